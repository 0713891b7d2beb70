package io.camelskytools.walmgr.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One streaming archiver per archive: two would write the same .partial. An OS file lock
 * on {@code ARCHIVE/streaming.lock}, so it goes away with the process that held it, however
 * that process ended. archive_command writers do not take it: their writes are atomic.
 */
public final class StreamingLock implements AutoCloseable {

    public static final String FILE = "streaming.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StreamingLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static StreamingLock acquire(WalArchive archive) {
        Path file = archive.root().resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                throw busy(file, null);
            }
            return new StreamingLock(ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw busy(file, e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new WalArchiveException("Cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static WalArchiveException busy(Path file, Throwable cause) {
        return new WalArchiveException("Another streaming archiver already writes into " + file.getParent()
                                       + " (it holds " + file + "); one archive takes one stream", cause);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }
}
