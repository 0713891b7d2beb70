package io.camelskytools.walmgr.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The one way files reach the archive: written under a temporary name in the same
 * directory, fsynced, renamed atomically over the final name, then the directory fsynced
 * so the rename itself survives a power cut.
 */
public final class DurableFiles {

    /** Temporary files start with this; listings ignore them and a start removes leftovers. */
    public static final String TEMP_PREFIX = ".tmp.";

    private DurableFiles() {
    }

    public static Path tempFor(Path target) {
        return target.resolveSibling(TEMP_PREFIX + target.getFileName() + "." + UUID.randomUUID());
    }

    /** fsync of a file's content (and size). */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** fsync of a directory, so names created, renamed or removed in it are durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        // Linux allows fsync on a directory opened read-only
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Renames an already fsynced file over target, atomically, and makes the rename durable. */
    public static void commit(Path fsyncedTemp, Path target) throws IOException {
        rename(fsyncedTemp, target);
        fsyncDirectory(target.getParent());
    }

    /** The atomic rename alone: durable only once the caller fsyncs the directory. */
    public static void rename(Path fsyncedTemp, Path target) throws IOException {
        try {
            Files.move(fsyncedTemp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Cannot rename " + fsyncedTemp + " to " + target + " atomically (different file"
                                  + " systems?)", e);
        }
    }

    /** Writes bytes durably to target (small files: checksums, history files). */
    public static void writeDurably(Path target, byte[] content) throws IOException {
        Path tmp = tempFor(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            commit(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
