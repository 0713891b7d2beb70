package io.camelskytools.walmgr.wal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Walks WAL records from the start of a segment through the segments that follow it,
 * reading only what it is asked for: each record's 24-byte header, and the first bytes of
 * the records the caller wants to look into. Page headers are stepped over, so a record
 * that crosses pages or segments reads as one run of bytes. CRCs are not checked: this is
 * for finding things (a restore point), not for replay.
 *
 * <p>Where the WAL stops making sense (a zero length after a WAL switch or at the end of
 * what was written, or a missing segment), the walk resumes at the first record of the
 * next segment the source has; {@link Source} returns null when there is none.
 */
public final class WalRecordReader implements Closeable {

    /** Bytes of an XLogRecord header. */
    public static final int RECORD_HEADER = 24;
    private static final int SHORT_PAGE_HEADER = 24;
    private static final int LONG_PAGE_HEADER = 40;
    private static final int XLP_FIRST_IS_CONTRECORD = 0x0001;
    private static final int XLP_LONG_HEADER = 0x0002;

    /** Opens segments by number; null when the archive does not have it. */
    public interface Source {
        InputStream open(long segno) throws IOException;

        /** The first segment number after {@code segno} that the source has, or -1. */
        long nextAvailable(long segno) throws IOException;
    }

    /** A record's position, resource manager, info bits and total length (header included). */
    public record Record(long lsn, int rmid, int info, int totalLength) {
    }

    private final Source source;
    private final long segmentSize;
    private InputStream in;
    private long segno;
    private int blockSize = 8192;
    private byte[] page = new byte[blockSize];
    private int pageLength;
    private int offset;
    private long pageLsn;
    private Record current;
    private long remainingInRecord;

    public WalRecordReader(Source source, long segmentSize) {
        this.source = source;
        this.segmentSize = segmentSize;
    }

    /** Positions the walk at the first record that starts in segment {@code first}. */
    public boolean start(long first) throws IOException {
        return openAt(first);
    }

    /**
     * The next record, or null at the end of what the source holds. Whatever the caller did
     * not read of the previous record is skipped.
     */
    public Record next() throws IOException {
        while (in != null) {
            if (current != null) {
                if (!skip(remainingInRecord)) {
                    return resyncOrEnd();
                }
                current = null;
            }
            if (!skip(pad(position()))) {
                return resyncOrEnd();
            }
            if (!loadPageIfNeeded()) {
                return resyncOrEnd();
            }
            long lsn = position();
            byte[] head = new byte[RECORD_HEADER];
            if (!read(head, RECORD_HEADER)) {
                return resyncOrEnd();
            }
            ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            long total = Integer.toUnsignedLong(h.getInt(0));
            if (total < RECORD_HEADER) {
                // zeros: the rest of the segment is unused (after a WAL switch, or not written yet)
                if (!openAt(segno + 1)) {
                    return null;
                }
                continue;
            }
            current = new Record(lsn, head[17] & 0xFF, head[16] & 0xFF, (int) total);
            remainingInRecord = total - RECORD_HEADER;
            return current;
        }
        return null;
    }

    /** Reads up to {@code max} bytes of the current record after its header. */
    public byte[] readBody(int max) throws IOException {
        int n = (int) Math.min(max, remainingInRecord);
        byte[] out = new byte[n];
        if (!read(out, n)) {
            return new byte[0];
        }
        remainingInRecord -= n;
        return out;
    }

    private Record resyncOrEnd() throws IOException {
        current = null;
        long after = source.nextAvailable(segno);
        if (after < 0 || !openAt(after)) {
            return null;
        }
        return next();
    }

    /** Opens a segment and steps over the tail of a record begun in the previous one. */
    private boolean openAt(long s) throws IOException {
        closeSegment();
        current = null;
        remainingInRecord = 0;
        InputStream opened = source.open(s);
        if (opened == null) {
            long after = source.nextAvailable(s);
            if (after < 0) {
                return false;
            }
            return openAt(after);
        }
        in = opened;
        segno = s;
        pageLsn = s * segmentSize;
        pageLength = 0;
        offset = 0;
        if (!readPage(true)) {
            closeSegment();
            return false;
        }
        ByteBuffer h = ByteBuffer.wrap(page, 0, pageLength).order(ByteOrder.LITTLE_ENDIAN);
        int info = h.getShort(2) & 0xFFFF;
        if ((info & XLP_FIRST_IS_CONTRECORD) != 0) {
            // xlp_rem_len: what is left of the record begun in the previous segment
            long rest = Integer.toUnsignedLong(h.getInt(16));
            return skip(rest) || resyncAtNextAvailable();
        }
        return true;
    }

    private boolean resyncAtNextAvailable() throws IOException {
        long after = source.nextAvailable(segno);
        return after >= 0 && openAt(after);
    }

    /** Reads the next page of the segment and steps over its header. */
    private boolean readPage(boolean first) throws IOException {
        if (!first) {
            pageLsn += blockSize;
            if (pageLsn >= (segno + 1) * segmentSize) {
                // the record goes on in the next segment
                return nextSegmentContinues();
            }
        }
        int n;
        if (first) {
            // the long header says the page size (8 kB unless the server was built otherwise)
            byte[] head = in.readNBytes(LONG_PAGE_HEADER);
            if (head.length < LONG_PAGE_HEADER) {
                pageLength = 0;
                return false;
            }
            WalPageHeader h = WalPageHeader.read(head, head.length);
            if (h != null && h.blockSize() != blockSize && h.blockSize() >= 1024 && Integer.bitCount(h.blockSize()) == 1) {
                blockSize = h.blockSize();
                page = new byte[blockSize];
            }
            System.arraycopy(head, 0, page, 0, LONG_PAGE_HEADER);
            n = LONG_PAGE_HEADER + in.readNBytes(page, LONG_PAGE_HEADER, blockSize - LONG_PAGE_HEADER);
        } else {
            n = in.readNBytes(page, 0, blockSize);
        }
        if (n < SHORT_PAGE_HEADER) {
            pageLength = 0;
            return false;
        }
        int info = (page[2] & 0xFF) | (page[3] & 0xFF) << 8;
        offset = (info & XLP_LONG_HEADER) != 0 ? LONG_PAGE_HEADER : SHORT_PAGE_HEADER;
        pageLength = n;
        return offset <= n;
    }

    private boolean nextSegmentContinues() throws IOException {
        InputStream opened = source.open(segno + 1);
        if (opened == null) {
            return false;
        }
        closeSegment();
        in = opened;
        segno++;
        pageLsn = segno * segmentSize;
        return readPage(true);
    }

    private boolean loadPageIfNeeded() throws IOException {
        while (offset >= pageLength) {
            if (pageLength < blockSize) {
                // a short page: the end of a partial segment
                return false;
            }
            if (!readPage(false)) {
                return false;
            }
        }
        return true;
    }

    private boolean read(byte[] dst, int n) throws IOException {
        int done = 0;
        while (done < n) {
            if (!loadPageIfNeeded()) {
                return false;
            }
            int k = Math.min(n - done, pageLength - offset);
            System.arraycopy(page, offset, dst, done, k);
            offset += k;
            done += k;
        }
        return true;
    }

    private boolean skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            if (!loadPageIfNeeded()) {
                return false;
            }
            int k = (int) Math.min(left, pageLength - offset);
            offset += k;
            left -= k;
        }
        return true;
    }

    /** The WAL position of the next byte. */
    private long position() {
        return pageLsn + offset;
    }

    /** Records start on 8-byte boundaries. */
    private static long pad(long lsn) {
        return (8 - (lsn & 7)) & 7;
    }

    private void closeSegment() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeSegment();
    }
}
