package io.camelskytools.walmgr.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The archive_command that stores WAL into a {@link WalArchive} without a JVM per segment:
 * a /bin/sh script ({@value #SCRIPT}) kept in the archive directory, doing what
 * {@link XArchive} does (exit 0 only once the file and its SHA-256 sidecar are durable; the
 * same content again accepted, different content refused), with the copy and its fsync on
 * one core while the other hashes the source. A JVM start costs about a second per segment,
 * which a busy primary cannot wait for.
 */
public final class ArchiveCommand {

    /** The script's name in the archive directory. */
    public static final String SCRIPT = "walmgr_archive.sh";

    private ArchiveCommand() {
    }

    /** Writes (or rewrites) the script into the archive directory, owned like it; returns its path. */
    public static Path install(WalArchive archive) throws IOException {
        Path p = archive.root().resolve(SCRIPT);
        Path tmp = DurableFiles.tempFor(p);
        try {
            Files.writeString(tmp, script());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setOwner(tmp, Files.getOwner(archive.root()));
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return p;
    }

    /** archive_command for PostgreSQL: the script with %p and %f, its path quoted for the shell and % doubled. */
    public static String build(WalArchive archive, boolean compress) {
        String path = archive.root().resolve(SCRIPT).toString();
        return "/bin/sh '" + path.replace("'", "'\\''").replace("%", "%%") + "'" + (compress ? " --compress" : "")
               + " %p %f";
    }

    /** The script's text. */
    public static String script() {
        try (InputStream in = ArchiveCommand.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SCRIPT + " is missing from the walmgr jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
