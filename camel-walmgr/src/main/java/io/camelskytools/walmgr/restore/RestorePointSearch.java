package io.camelskytools.walmgr.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.WalRecordReader;
import io.camelskytools.walmgr.wal.WalSegment;

/**
 * Finds where {@code pg_create_restore_point(name)} was called, by walking the records of
 * the archived WAL (completed segments, then the streamed partial one). Where a segment
 * exists on several timelines, the newest timeline's copy is read, as recovery to the
 * latest timeline would.
 */
final class RestorePointSearch {

    /** A restore point: its name, the LSN of its WAL record, and when it was made. */
    record RestorePoint(String name, long lsn, Instant time) {
    }

    private static final int RM_XLOG_ID = 0;
    private static final int XLOG_RESTORE_POINT = 0x70;
    private static final int XLR_INFO_MASK = 0xF0;
    private static final int BLOCK_ID_DATA_SHORT = 255;
    private static final int BLOCK_ID_DATA_LONG = 254;
    private static final int BLOCK_ID_ORIGIN = 253;
    private static final int BLOCK_ID_TOPLEVEL_XID = 252;
    /** rp_time (8 bytes) and rp_name (MAXFNAMELEN, 64 bytes). */
    private static final int RESTORE_POINT_DATA = 72;
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private final long segmentSize;
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private final WalArchive archive;

    private RestorePointSearch(WalArchive archive, long segmentSize) {
        this.archive = archive;
        this.segmentSize = segmentSize;
    }

    /** Indexes what the archive holds now: per segment number, the newest timeline's file. */
    static RestorePointSearch in(WalArchive archive, long segmentSize) throws IOException {
        RestorePointSearch s = new RestorePointSearch(archive, segmentSize);
        Map<Long, Integer> timelines = new TreeMap<>();
        for (WalSegment seg : archive.completedSegments(segmentSize)) {
            if (seg.timeline() >= timelines.getOrDefault(seg.segno(), 0)) {
                timelines.put(seg.segno(), seg.timeline());
                s.segments.put(seg.segno(), archive.find(seg.fileName(segmentSize)).orElseThrow());
            }
        }
        for (WalSegment seg : archive.partialSegments(segmentSize)) {
            if (seg.timeline() > timelines.getOrDefault(seg.segno(), 0)) {
                timelines.put(seg.segno(), seg.timeline());
                s.segments.put(seg.segno(), archive.partialPath(seg.fileName(segmentSize)));
            }
        }
        return s;
    }

    /** The first restore point of that name whose record lies in [from, to), if any. */
    Optional<RestorePoint> find(String name, long from, long to) throws IOException {
        try (WalRecordReader r = new WalRecordReader(source(), segmentSize)) {
            if (!r.start(Long.divideUnsigned(from, segmentSize))) {
                return Optional.empty();
            }
            for (WalRecordReader.Record rec = r.next(); rec != null && rec.lsn() < to; rec = r.next()) {
                if (rec.lsn() < from || rec.rmid() != RM_XLOG_ID || (rec.info() & XLR_INFO_MASK) != XLOG_RESTORE_POINT) {
                    continue;
                }
                RestorePoint p = parse(rec.lsn(), r.readBody(16 + RESTORE_POINT_DATA));
                if (p != null && p.name().equals(name)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private WalRecordReader.Source source() {
        return new WalRecordReader.Source() {
            @Override
            public InputStream open(long segno) throws IOException {
                Path p = segments.get(segno);
                return p == null || !Files.exists(p) ? null : archive.openContent(p);
            }

            @Override
            public long nextAvailable(long segno) {
                Long next = segments.higherKey(segno);
                return next == null ? -1 : next;
            }
        };
    }

    /** The record's data after its block headers: xl_restore_point; null if it is not shaped so. */
    private static RestorePoint parse(long lsn, byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int length = -1;
        while (b.hasRemaining() && length < 0) {
            int id = b.get() & 0xFF;
            if (id == BLOCK_ID_DATA_SHORT && b.remaining() >= 1) {
                length = b.get() & 0xFF;
            } else if (id == BLOCK_ID_DATA_LONG && b.remaining() >= 4) {
                length = b.getInt();
            } else if (id == BLOCK_ID_ORIGIN && b.remaining() >= 2) {
                b.position(b.position() + 2);
            } else if (id == BLOCK_ID_TOPLEVEL_XID && b.remaining() >= 4) {
                b.position(b.position() + 4);
            } else {
                // a block reference: not a restore point record
                return null;
            }
        }
        if (length < RESTORE_POINT_DATA || b.remaining() < RESTORE_POINT_DATA) {
            return null;
        }
        long micros = b.getLong();
        byte[] raw = new byte[RESTORE_POINT_DATA - 8];
        b.get(raw);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        Instant time = Instant.ofEpochSecond(PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000);
        return new RestorePoint(new String(raw, 0, end, StandardCharsets.UTF_8), lsn, time);
    }
}
