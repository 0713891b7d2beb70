package io.camelskytools.walmgr.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import io.camelskytools.walmgr.archive.Sha256;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.WalSegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a restore: is every segment recovery will read, from the backup's first one on,
 * there and matching the checksum the archive recorded for it (or, failing that, good in
 * one of the copy directories)? The same rules as the restore_command script, checked up
 * front so that a damaged archive is named by {@code restore} rather than found mid-replay.
 * A segment without a recorded checksum (written by a foreign archive_command) counts as good.
 * Where several timelines hold a segment number, the highest one at or after the one being
 * followed is taken, as recovery_target_timeline=latest does.
 */
final class RecoveryWalCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryWalCheck.class);

    private final WalArchive archive;
    private final List<Path> copies;
    private final long segmentSize;

    RecoveryWalCheck(WalArchive archive, List<Path> copies, long segmentSize) {
        this.archive = archive;
        this.copies = copies;
        this.segmentSize = segmentSize;
    }

    /** One line per damaged or missing segment from start up to segment number lastSegno (or the newest). */
    List<String> problems(WalSegment start, long lastSegno) throws IOException {
        TreeMap<Long, TreeSet<Integer>> held = new TreeMap<>();
        for (WalSegment s : archive.completedSegments(segmentSize)) {
            held.computeIfAbsent(s.segno(), k -> new TreeSet<>()).add(s.timeline());
        }
        for (Path c : copies) {
            for (String n : namesIn(c)) {
                WalSegment s = WalSegment.parse(n, segmentSize);
                held.computeIfAbsent(s.segno(), k -> new TreeSet<>()).add(s.timeline());
            }
        }
        List<String> out = new ArrayList<>();
        if (held.isEmpty() || held.lastKey() < start.segno()) {
            return out;
        }
        long last = Math.min(lastSegno, held.lastKey());
        String newest = new WalSegment(held.lastEntry().getValue().last(), held.lastKey()).fileName(segmentSize);
        int timeline = start.timeline();
        for (long segno = start.segno(); segno <= last; segno++) {
            TreeSet<Integer> tlis = held.get(segno);
            if (tlis == null || tlis.ceiling(timeline) == null) {
                out.add(new WalSegment(timeline, segno).fileName(segmentSize) + " is missing from " + archive.walDir()
                        + " while later WAL is there (up to " + newest + ")");
                continue;
            }
            timeline = tlis.last();
            String name = new WalSegment(timeline, segno).fileName(segmentSize);
            check(name).ifPresent(out::add);
        }
        return out;
    }

    /** Why no good copy of name exists, or empty when one does. */
    private Optional<String> check(String name) throws IOException {
        Optional<String> recorded = archive.recordedChecksum(name);
        Optional<Path> stored = archive.find(name);
        String reason;
        if (stored.isPresent()) {
            if (recorded.isEmpty()) {
                return Optional.empty();
            }
            String sha = contentChecksum(stored.get());
            if (recorded.get().equals(sha)) {
                return Optional.empty();
            }
            reason = stored.get() + " is damaged (checksum mismatch: recorded " + recorded.get() + ", content has "
                     + sha + ")";
        } else {
            reason = name + " is not in " + archive.walDir();
        }
        for (Path c : copies) {
            Optional<Path> copy = find(c, name);
            if (copy.isEmpty()) {
                continue;
            }
            Optional<String> want = recorded.isPresent() ? recorded : recordedIn(c, name);
            if (want.isEmpty() || want.get().equals(contentChecksum(copy.get()))) {
                LOG.info("{}; the restore_command takes {} instead", reason, copy.get());
                return Optional.empty();
            }
        }
        return Optional.of(reason + (copies.isEmpty() ? "" : ", and no copy in " + copies + " is good"));
    }

    private static Optional<Path> find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        Path gz = dir.resolve(name + WalArchive.GZ_SUFFIX);
        return Files.isRegularFile(gz) ? Optional.of(gz) : Optional.empty();
    }

    private static Optional<String> recordedIn(Path dir, String name) throws IOException {
        Path side = dir.resolve(name + WalArchive.CHECKSUM_SUFFIX);
        if (!Files.isRegularFile(side)) {
            return Optional.empty();
        }
        String text = Files.readString(side).trim();
        return Optional.of(text.length() >= 64 ? text.substring(0, 64) : text);
    }

    private static String contentChecksum(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.of(file.getFileName().toString().endsWith(WalArchive.GZ_SUFFIX) ? new GZIPInputStream(in) : in);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            return "(cannot be decompressed: " + e.getMessage() + ")";
        }
    }

    private static List<String> namesIn(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .map(n -> n.endsWith(WalArchive.GZ_SUFFIX) ? n.substring(0, n.length() - 3) : n)
                    .filter(WalSegment::isSegmentName)
                    .forEach(out::add);
        }
        return out;
    }
}
