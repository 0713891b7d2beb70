package io.camelskytools.walmgr.stream;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;

import io.camelskytools.walmgr.archive.DurableFiles;
import io.camelskytools.walmgr.archive.WalArchiveException;
import io.camelskytools.walmgr.wal.WalSegment;

/**
 * The segment being received, as {@code <segment>.partial}. Bytes are only ever appended in
 * WAL order, so the file's length is how much of the segment we hold; what is fsynced is
 * tracked apart, as only that may be confirmed to the server. The SHA-256 of the content is
 * kept as bytes arrive (on the hashing thread), so completing the segment does not read
 * 16 MB back.
 */
final class PartialSegmentWriter implements Closeable {

    private final WalSegment segment;
    private final long segmentSize;
    private final Path path;
    private final FileChannel channel;
    private final BackgroundDigest sha;
    private long written;
    private long durable;

    private PartialSegmentWriter(WalSegment segment, long segmentSize, Path path, FileChannel channel, long length,
                                 Executor hasher) throws IOException {
        this.sha = new BackgroundDigest(hasher);
        this.segment = segment;
        this.segmentSize = segmentSize;
        this.path = path;
        this.channel = channel;
        this.written = length;
        this.durable = length;
        if (length > 0) {
            // resuming: what the file already holds counts towards the checksum
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            for (long pos = 0; pos < length; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), length - pos));
                int n = channel.read(buf, pos);
                if (n < 0) {
                    throw new IOException("Partial WAL file " + path + " shrank while being read");
                }
                buf.flip();
                sha.updateNow(buf);
                pos += n;
            }
        }
    }

    /**
     * Opens (or creates) the partial file, positioned at its end. With {@code syncCreation} a
     * new file is made durable at once; without, its directory entry is left for the caller
     * to fsync before anything written into it is confirmed. {@code hasher} runs the SHA-256
     * updates, one at a time in order.
     */
    static PartialSegmentWriter open(Path path, WalSegment segment, long segmentSize, boolean syncCreation,
                                     Executor hasher) throws IOException {
        boolean created = !Files.exists(path);
        // READ too: resuming hashes what the file already holds
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long length = ch.size();
            if (length > segmentSize) {
                throw new WalArchiveException("Partial WAL file " + path + " holds " + length + " bytes, more than a "
                                              + segmentSize + "-byte segment");
            }
            if (created && syncCreation) {
                ch.force(true);
                DurableFiles.fsyncDirectory(path.getParent());
            }
            return new PartialSegmentWriter(segment, segmentSize, path, ch, length, hasher);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    WalSegment segment() {
        return segment;
    }

    Path path() {
        return path;
    }

    /** The WAL position just past the last byte written. */
    long endLsn() {
        return segment.startLsn(segmentSize) + written;
    }

    /** The WAL position just past the last fsynced byte. */
    long durableLsn() {
        return segment.startLsn(segmentSize) + durable;
    }

    boolean full() {
        return written == segmentSize;
    }

    boolean dirty() {
        return written > durable;
    }

    /**
     * Appends as much of data as fits in the segment; returns the bytes taken. The bytes
     * appended must not change afterwards: they are hashed later, on the hashing thread.
     */
    int append(ByteBuffer data) throws IOException {
        int n = (int) Math.min(data.remaining(), segmentSize - written);
        ByteBuffer slice = data.slice(data.position(), n);
        sha.update(slice);
        long pos = written;
        while (slice.hasRemaining()) {
            pos += channel.write(slice, pos);
        }
        data.position(data.position() + n);
        written += n;
        return n;
    }

    /** The SHA-256 (hex) of a full segment's content; call once, when {@link #full()}. */
    String sha256() {
        if (!full()) {
            throw new IllegalStateException("Segment " + path + " is not complete: " + written + " of " + segmentSize
                                            + " bytes");
        }
        return sha.hex();
    }

    /** fdatasync: what was written is now durable. */
    void sync() throws IOException {
        if (dirty()) {
            channel.force(false);
            durable = written;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
