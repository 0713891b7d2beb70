package io.camelskytools.walmgr.verify;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import io.camelskytools.walmgr.archive.Sha256;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalFileNames;
import io.camelskytools.walmgr.wal.WalPageHeader;
import io.camelskytools.walmgr.wal.WalSegment;

/**
 * Checks that an archive can replay from a start segment to its newest completed one:
 * every segment number in between present (on the same or a later timeline), each one the
 * right size, its checksum matching, its first page header naming its own position and the
 * same cluster, a .history file for every timeline after the first, and the checksums of
 * the .history and .backup files.
 *
 * <p>Where several timelines hold the same segment number, the highest one is taken, as
 * recovery_target_timeline=latest would.
 */
public final class ArchiveVerifier {

    private final WalArchive archive;
    // the header of the segment last checked (one verify at a time per instance)
    private WalPageHeader header;

    public ArchiveVerifier(WalArchive archive) {
        this.archive = archive;
    }

    /** Verifies from the oldest segment in the archive. */
    public VerifyReport verify() throws IOException {
        return verify(null, null);
    }

    /**
     * @param startSegment the first segment needed (e.g. a backup's first WAL), or null for the oldest archived
     * @param segmentSize  wal_segment_size, or null to read it from the archive's segments
     */
    public VerifyReport verify(String startSegment, Long segmentSize) throws IOException {
        long size = segmentSize != null ? segmentSize : detectSegmentSize();
        WalSegment.checkSize(size);
        List<WalSegment> all = archive.completedSegments(size);
        List<String> missing = new ArrayList<>();
        List<VerifyReport.Problem> corrupted = new ArrayList<>();
        if (all.isEmpty()) {
            if (startSegment != null) {
                missing.add(startSegment);
            }
            return new VerifyReport(null, null, size, 0, missing, corrupted);
        }
        TreeMap<Long, TreeSet<Integer>> bySegno = new TreeMap<>();
        for (WalSegment s : all) {
            bySegno.computeIfAbsent(s.segno(), k -> new TreeSet<>()).add(s.timeline());
        }
        WalSegment start = startSegment != null ? WalSegment.parse(startSegment, size) : all.get(0);
        long lastSegno = bySegno.lastKey();
        int timeline = start.timeline();
        Long systemId = null;
        int checked = 0;
        String first = start.fileName(size);
        String last = first;
        TreeSet<Integer> timelines = new TreeSet<>();
        for (long segno = start.segno(); segno <= lastSegno; segno++) {
            TreeSet<Integer> tlis = bySegno.get(segno);
            Integer tli = tlis == null ? null : tlis.ceiling(timeline) == null ? null : tlis.last();
            if (tli == null) {
                missing.add(new WalSegment(timeline, segno).fileName(size));
                continue;
            }
            timeline = tli;
            timelines.add(tli);
            WalSegment seg = new WalSegment(tli, segno);
            String name = seg.fileName(size);
            last = name;
            checked++;
            Optional<String> problem = check(seg, name, size);
            if (problem.isPresent()) {
                corrupted.add(new VerifyReport.Problem(name, problem.get()));
                continue;
            }
            long sysid = header.systemIdentifier();
            if (systemId == null) {
                systemId = sysid;
            } else if (systemId != sysid) {
                corrupted.add(new VerifyReport.Problem(name, "written by another cluster (system identifier " + sysid
                                                             + ", the segments before say " + systemId + ")"));
            }
        }
        for (int tli : timelines) {
            if (tli > 1 && archive.find(WalFileNames.historyFile(tli)).isEmpty()) {
                missing.add(WalFileNames.historyFile(tli));
            }
        }
        for (String n : archive.fileNames()) {
            if (WalFileNames.isHistory(n) || WalFileNames.isBackupLabel(n)) {
                checkSmallFile(n).ifPresent(reason -> corrupted.add(new VerifyReport.Problem(n, reason)));
            }
        }
        return new VerifyReport(first, last, size, checked, missing, corrupted);
    }

    private Optional<String> check(WalSegment seg, String name, long size) throws IOException {
        var stored = archive.find(name).orElseThrow();
        Optional<String> recorded = archive.recordedChecksum(name);
        MessageDigest digest = Sha256.digest();
        byte[] head = new byte[WalPageHeader.LENGTH];
        int headLen = 0;
        long total = 0;
        try (InputStream in = archive.openContent(stored)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                if (headLen < head.length) {
                    int take = Math.min(n, head.length - headLen);
                    System.arraycopy(buf, 0, head, headLen, take);
                    headLen += take;
                }
                digest.update(buf, 0, n);
                total += n;
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            return Optional.of("cannot be decompressed: " + e.getMessage());
        }
        String sha = Sha256.hex(digest);
        if (recorded.isEmpty()) {
            return Optional.of("no checksum recorded (" + name + WalArchive.CHECKSUM_SUFFIX + " is missing)");
        }
        if (!recorded.get().equals(sha)) {
            return Optional.of("checksum mismatch: recorded " + recorded.get() + ", content has " + sha);
        }
        if (total != size) {
            return Optional.of("holds " + total + " bytes, a segment has " + size);
        }
        header = WalPageHeader.read(head, headLen);
        if (header == null) {
            return Optional.of("does not start with a WAL long page header");
        }
        if (header.pageAddress() != seg.startLsn(size)) {
            return Optional.of("its first page belongs at " + Lsn.format(header.pageAddress()) + ", not at "
                               + Lsn.format(seg.startLsn(size)));
        }
        return Optional.empty();
    }

    /** History and backup-label files: their checksum, when one is recorded. */
    private Optional<String> checkSmallFile(String name) throws IOException {
        Optional<String> recorded = archive.recordedChecksum(name);
        if (recorded.isEmpty()) {
            return Optional.of("no checksum recorded (" + name + WalArchive.CHECKSUM_SUFFIX + " is missing)");
        }
        String sha = archive.computeChecksum(archive.find(name).orElseThrow());
        return recorded.get().equals(sha) ? Optional.empty()
                : Optional.of("checksum mismatch: recorded " + recorded.get() + ", content has " + sha);
    }

    /**
     * The segment size written in the first readable segment's header, else PostgreSQL's
     * default (the archive holds nothing to read it from).
     */
    private long detectSegmentSize() throws IOException {
        for (String n : archive.fileNames()) {
            String base = n.endsWith(WalArchive.GZ_SUFFIX) ? n.substring(0, n.length() - 3) : n;
            if (!WalSegment.isSegmentName(base)) {
                continue;
            }
            try (InputStream in = archive.openContent(archive.walDir().resolve(n))) {
                byte[] head = in.readNBytes(WalPageHeader.LENGTH);
                WalPageHeader h = WalPageHeader.read(head, head.length);
                if (h != null && h.segmentSize() > 0 && Long.bitCount(h.segmentSize()) == 1) {
                    return h.segmentSize();
                }
            } catch (IOException e) {
                // a damaged file: try the next one; verify reports it
            }
        }
        return WalSegment.DEFAULT_SIZE;
    }
}
