package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record walk on WAL laid out by hand, page headers and all, for the cases a short
 * server run rarely produces: records and a restore point's own header split across pages
 * and segments, a zero-filled segment tail, a missing segment, a newer timeline's copy.
 */
class RestorePointSearchTest {

    private static final int SEG = 1 << 20;
    private static final int PAGE = 8192;
    private static final long SYSID = 7_300_000_000_000_000_123L;

    @TempDir
    Path dir;

    /** Lays records out as PostgreSQL does: 8-byte aligned, page headers wherever a page starts. */
    private static final class WalWriter {
        final ByteArrayOutputStream wal = new ByteArrayOutputStream();
        long pos;

        /** Appends a record and returns its LSN. */
        long record(int rmid, int info, byte[] body) {
            align();
            if (pos % PAGE == 0) {
                pageHeader(0);
            }
            long lsn = pos;
            ByteBuffer b = ByteBuffer.allocate(24 + body.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(24 + body.length).putInt(0).putLong(0).put((byte) info).put((byte) rmid).putShort((short) 0)
                    .putInt(0).put(body);
            byte[] all = b.array();
            for (int i = 0; i < all.length; i++) {
                if (pos % PAGE == 0) {
                    pageHeader(all.length - i);
                }
                wal.write(all[i]);
                pos++;
            }
            return lsn;
        }

        long filler(int bodyLength) {
            return record(10, 0, new byte[bodyLength]);
        }

        long restorePoint(String name, long pgMicros) {
            ByteBuffer b = ByteBuffer.allocate(2 + 72).order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) 255).put((byte) 72).putLong(pgMicros);
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            b.put(n);
            return record(0, 0x70, b.array());
        }

        /** The rest of the segment is zeros behind page headers, as after pg_switch_wal(). */
        void switchSegment() {
            align();
            while (pos % SEG != 0) {
                if (pos % PAGE == 0) {
                    pageHeader(0);
                }
                wal.write(0);
                pos++;
            }
        }

        /** Fills up so that the next record starts exactly at {@code lsn} (late in a page). */
        void landAt(long lsn) {
            padTo(lsn - 200);
            long start = (pos + 7) / 8 * 8;
            filler((int) (lsn - start - 24));
            assertThat((pos + 7) / 8 * 8).isEqualTo(lsn);
        }

        void padTo(long lsn) {
            while (pos < lsn) {
                filler(Math.min(3000, (int) Math.max(0, lsn - pos - 40)));
            }
        }

        private void align() {
            while (pos % 8 != 0) {
                wal.write(0);
                pos++;
            }
        }

        private void pageHeader(int continuation) {
            boolean longHeader = pos % SEG == 0;
            ByteBuffer h = ByteBuffer.allocate(longHeader ? 40 : 24).order(ByteOrder.LITTLE_ENDIAN);
            h.putShort((short) 0xD110).putShort((short) ((continuation > 0 ? 1 : 0) | (longHeader ? 2 : 0))).putInt(1)
                    .putLong(pos).putInt(continuation).putInt(0);
            if (longHeader) {
                h.putLong(SYSID).putInt(SEG).putInt(PAGE);
            }
            wal.writeBytes(h.array());
            pos += h.capacity();
        }

        List<byte[]> segments() {
            byte[] all = wal.toByteArray();
            List<byte[]> out = new ArrayList<>();
            for (int off = 0; off < all.length; off += SEG) {
                byte[] s = new byte[SEG];
                System.arraycopy(all, off, s, 0, Math.min(SEG, all.length - off));
                out.add(s);
            }
            return out;
        }
    }

    private WalArchive store(List<byte[]> segments, int timeline, int... skip) throws Exception {
        WalArchive a = WalArchive.open(Files.createDirectories(dir.resolve("archive")));
        outer:
        for (int i = 0; i < segments.size(); i++) {
            for (int s : skip) {
                if (s == i) {
                    continue outer;
                }
            }
            a.storeBytes(new WalSegment(timeline, i).fileName(SEG), segments.get(i));
        }
        return a;
    }

    @Test
    void findsRestorePointsWhoseRecordsCrossPagesAndSegments() throws Exception {
        WalWriter w = new WalWriter();
        w.filler(100);
        // a record from segment 0 into segment 1
        w.padTo(SEG - 5000);
        w.filler(20_000);
        // a restore point whose header is cut by a page boundary
        w.landAt(SEG + 4L * PAGE - 16);
        long first = w.restorePoint("cut_header", 1_000_000L);
        w.filler(50);
        // a restore point whose record runs into segment 2
        w.landAt(2L * SEG - 40);
        long second = w.restorePoint("across_segments", 2_000_000L);
        w.filler(10);
        WalArchive a = store(w.segments(), 1);

        RestorePointSearch s = RestorePointSearch.in(a, SEG);
        RestorePointSearch.RestorePoint p = s.find("cut_header", 0, Long.MAX_VALUE).orElseThrow();
        assertThat(p.lsn()).isEqualTo(first);
        assertThat(first / PAGE).isNotEqualTo((first + 23) / PAGE);
        assertThat(p.time()).isEqualTo(Instant.parse("2000-01-01T00:00:01Z"));
        RestorePointSearch.RestorePoint q = s.find("across_segments", 0, Long.MAX_VALUE).orElseThrow();
        assertThat(q.lsn()).isEqualTo(second);
        assertThat(q.time()).isEqualTo(Instant.parse("2000-01-01T00:00:02Z"));
        // the range is respected, and a name that is only a prefix does not match
        assertThat(s.find("cut_header", first + 1, Long.MAX_VALUE)).isEmpty();
        assertThat(s.find("across_segments", 0, second)).isEmpty();
        assertThat(s.find("cut", 0, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void stepsOverSwitchedTailsAndMissingSegments() throws Exception {
        WalWriter w = new WalWriter();
        w.filler(100);
        w.switchSegment();
        w.filler(100);
        // a record from segment 1 through the missing segment 2 into segment 3
        w.padTo(2L * SEG - 1000);
        w.filler(SEG + 40_000);
        long afterGap = w.restorePoint("after_the_gap", 3_000_000L);
        w.filler(10);
        WalArchive a = store(w.segments(), 1, 2);

        RestorePointSearch.RestorePoint p = RestorePointSearch.in(a, SEG).find("after_the_gap", 0, Long.MAX_VALUE)
                .orElseThrow();
        assertThat(p.lsn()).isEqualTo(afterGap);
    }

    @Test
    void aNewerTimelinesCopyOfASegmentIsTheOneRead() throws Exception {
        WalWriter old = new WalWriter();
        old.filler(100);
        old.restorePoint("old_timeline", 1L);
        WalWriter fresh = new WalWriter();
        fresh.filler(100);
        long lsn = fresh.restorePoint("new_timeline", 2L);
        WalArchive a = store(old.segments(), 1);
        a.storeBytes(new WalSegment(2, 0).fileName(SEG), fresh.segments().get(0));

        RestorePointSearch s = RestorePointSearch.in(a, SEG);
        assertThat(s.find("new_timeline", 0, Long.MAX_VALUE).orElseThrow().lsn()).isEqualTo(lsn);
        assertThat(s.find("old_timeline", 0, Long.MAX_VALUE)).isEmpty();
    }
}
