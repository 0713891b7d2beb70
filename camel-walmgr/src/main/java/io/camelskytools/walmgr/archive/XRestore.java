package io.camelskytools.walmgr.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Optional;

import io.camelskytools.walmgr.wal.WalSegment;

/**
 * restore_command: {@code xrestore <name> <path>} (PostgreSQL's %f and %p). Hands out the
 * archived file (decompressed), or, for a segment the streaming archiver is still filling,
 * its {@code .partial} padded with zeros to a whole segment: recovery refuses a short
 * segment, and replay ends at the first zero, where the archive ends. The copy appears at
 * {@code path} whole or not at all, and only when its content matches the checksum the
 * archive recorded for it: a damaged file is a {@link WalArchiveException} naming it, never
 * handed to recovery.
 */
public final class XRestore {

    private final WalArchive archive;
    private final boolean servePartial;

    public XRestore(WalArchive archive, boolean servePartial) {
        this.archive = archive;
        this.servePartial = servePartial;
    }

    /**
     * Copies {@code name} to {@code dest}; false when the archive does not have it.
     *
     * @throws WalArchiveException when the archived file does not match its recorded checksum
     */
    public boolean restore(String name, Path dest) throws IOException {
        Optional<Path> stored = archive.find(name);
        Path tmp = dest.resolveSibling(dest.getFileName() + ".walmgr-tmp");
        if (stored.isPresent()) {
            MessageDigest digest = Sha256.digest();
            try (InputStream in = new DigestInputStream(archive.openContent(stored.get()), digest)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                Files.deleteIfExists(tmp);
                throw new WalArchiveException("WAL file " + name + " in " + stored.get() + " is damaged: cannot be"
                                              + " decompressed (" + e.getMessage() + ")");
            }
            Optional<String> recorded = archive.recordedChecksum(name);
            String sha = Sha256.hex(digest);
            if (recorded.isPresent() && !recorded.get().equals(sha)) {
                Files.deleteIfExists(tmp);
                throw new WalArchiveException("WAL file " + name + " in " + stored.get() + " is damaged: checksum"
                                              + " mismatch (recorded " + recorded.get() + ", content has " + sha + ")");
            }
        } else if (servePartial && WalSegment.isSegmentName(name) && Files.isRegularFile(archive.partialPath(name))) {
            Files.copy(archive.partialPath(name), tmp, StandardCopyOption.REPLACE_EXISTING);
            try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
                f.setLength(segmentSize());
            }
        } else {
            return false;
        }
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** The size of the archive's first uncompressed segment, else PostgreSQL's default. */
    private long segmentSize() throws IOException {
        for (String n : archive.fileNames()) {
            Optional<Path> p = WalSegment.isSegmentName(n) ? archive.find(n) : Optional.empty();
            if (p.isPresent() && !p.get().toString().endsWith(WalArchive.GZ_SUFFIX)) {
                return Files.size(p.get());
            }
        }
        return WalSegment.DEFAULT_SIZE;
    }
}
