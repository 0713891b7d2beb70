package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Set;
import java.util.function.LongConsumer;

import io.camelskytools.walmgr.archive.Sha256;

/** Copies one file while computing its SHA-256; the copy is owner-only (0600), as PostgreSQL wants. */
public final class FileCopier {

    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private static final int BUFFER = 1 << 17;

    private FileCopier() {
    }

    /**
     * What was copied.
     *
     * @param size   bytes written
     * @param sha256 their checksum
     */
    public record Copied(long size, String sha256) {
    }

    /**
     * Copies source to a new file target (which must not exist), reading to the end as it is
     * now. Returns null when source vanished before it could be opened.
     *
     * @param fsync    force the copy to disk before returning
     * @param progress told of every chunk written
     */
    public static Copied copy(Path source, Path target, boolean fsync, LongConsumer progress) throws IOException {
        InputStream in;
        try {
            in = Files.newInputStream(source);
        } catch (NoSuchFileException e) {
            return null;
        }
        MessageDigest digest = Sha256.digest();
        long size = 0;
        try (in; FileChannel out = FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(FILE_MODE))) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                size += n;
                progress.accept(n);
            }
            if (fsync) {
                out.force(true);
            }
        }
        return new Copied(size, Sha256.hex(digest));
    }
}
