package io.camelskytools.walmgr.wal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One WAL segment: a timeline and a segment number. Its file name is the timeline, then
 * the segment number split in "xlogid" (segno / segments-per-4GB) and the segment within
 * it, 8 hex digits each, so turning names into numbers needs the segment size.
 */
public record WalSegment(int timeline, long segno) implements Comparable<WalSegment> {

    /** PostgreSQL's default segment size (initdb --wal-segsize), 16 MB. */
    public static final long DEFAULT_SIZE = 16L * 1024 * 1024;

    private static final Pattern NAME = Pattern.compile("[0-9A-F]{24}");

    public WalSegment {
        if (timeline < 1) {
            throw new IllegalArgumentException("timeline must be at least 1, not " + timeline);
        }
        if (segno < 0) {
            throw new IllegalArgumentException("segment number must not be negative, not " + segno);
        }
    }

    /** True for a plain segment file name (24 upper-case hex digits, nothing else). */
    public static boolean isSegmentName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static WalSegment parse(String name, long segmentSize) {
        if (!isSegmentName(name)) {
            throw new IllegalArgumentException("Not a WAL segment file name (24 hex digits): " + name);
        }
        checkSize(segmentSize);
        int tli = Timeline.ofFileName(name);
        long xlogid = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        long perId = segmentsPerXlogId(segmentSize);
        if (seg >= perId) {
            throw new IllegalArgumentException("WAL file name " + name + " does not fit " + segmentSize
                                               + "-byte segments (at most " + perId + " per xlogid)");
        }
        return new WalSegment(tli, xlogid * perId + seg);
    }

    /** The segment of the given timeline that holds the byte at lsn. */
    public static WalSegment containing(int timeline, long lsn, long segmentSize) {
        checkSize(segmentSize);
        return new WalSegment(timeline, Long.divideUnsigned(lsn, segmentSize));
    }

    public String fileName(long segmentSize) {
        long perId = segmentsPerXlogId(segmentSize);
        return Timeline.hex(timeline) + String.format(Locale.ROOT, "%08X%08X", segno / perId, segno % perId);
    }

    public long startLsn(long segmentSize) {
        return segno * segmentSize;
    }

    public WalSegment next() {
        return new WalSegment(timeline, segno + 1);
    }

    public WalSegment onTimeline(int tli) {
        return new WalSegment(tli, segno);
    }

    @Override
    public int compareTo(WalSegment o) {
        int c = Long.compare(segno, o.segno);
        return c != 0 ? c : Integer.compare(timeline, o.timeline);
    }

    static long segmentsPerXlogId(long segmentSize) {
        return 0x100000000L / segmentSize;
    }

    /** PostgreSQL allows powers of two from 1 MB to 1 GB. */
    public static void checkSize(long segmentSize) {
        if (segmentSize < (1 << 20) || segmentSize > (1 << 30) || Long.bitCount(segmentSize) != 1) {
            throw new IllegalArgumentException("WAL segment size must be a power of two from 1 MB to 1 GB, not "
                                               + segmentSize);
        }
    }
}
