package io.camelskytools.runtime.cli.walmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.WalSegment;

/**
 * How far a WAL archive reaches: the end of its newest partial segment (the streaming
 * archiver's durable length) or of its newest completed segment, and when it was last
 * written. For `walmgr status`.
 */
record ArchivePosition(long lsn, String lastSegment, String partialSegment, Instant lastWrite) {

    static ArchivePosition of(WalArchive archive, long segmentSize) throws IOException {
        List<WalSegment> done = archive.completedSegments(segmentSize);
        List<WalSegment> partial = archive.partialSegments(segmentSize);
        String last = done.isEmpty() ? null : done.get(done.size() - 1).fileName(segmentSize);
        long lsn = done.isEmpty() ? 0 : done.get(done.size() - 1).next().startLsn(segmentSize);
        Instant written = last == null ? null : modified(archive.find(last).orElse(null));
        String partialName = null;
        if (!partial.isEmpty()) {
            WalSegment p = partial.get(partial.size() - 1);
            partialName = p.fileName(segmentSize);
            Path file = archive.partialPath(partialName);
            long end = p.startLsn(segmentSize) + Files.size(file);
            if (end >= lsn) {
                lsn = end;
                written = modified(file);
            }
        }
        return new ArchivePosition(lsn, last, partialName, written);
    }

    private static Instant modified(Path p) throws IOException {
        return p == null ? null : Files.getLastModifiedTime(p).toInstant();
    }
}
