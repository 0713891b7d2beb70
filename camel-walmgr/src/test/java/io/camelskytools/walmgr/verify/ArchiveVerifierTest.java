package io.camelskytools.walmgr.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.archive.XArchive;
import io.camelskytools.walmgr.support.WalServer;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify finds a flipped byte and a missing segment among real archived segments. */
@Tag("needs-debian")
class ArchiveVerifierTest {

    @TempDir
    Path dir;

    @Test
    void reportsCorruptedAndMissingSegments() throws Exception {
        List<String> names = new ArrayList<>();
        WalArchive archive = WalArchive.open(dir);
        try (WalServer server = WalServer.start()) {
            server.writeSegments(4);
            long end = server.currentLsn();
            XArchive x = new XArchive(archive, false);
            WalSegment last = WalSegment.containing(1, end - 1, WalServer.SEGMENT_SIZE);
            for (long segno = 1; segno <= last.segno(); segno++) {
                String name = new WalSegment(1, segno).fileName(WalServer.SEGMENT_SIZE);
                x.archive(server.walFile(name), name);
                names.add(name);
            }
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(4);
        VerifyReport clean = new ArchiveVerifier(archive).verify();
        assertThat(clean.ok()).as(clean.summary()).isTrue();
        assertThat(clean.checked()).isEqualTo(names.size());
        assertThat(clean.segmentSize()).as("read from the segments' headers").isEqualTo(WalServer.SEGMENT_SIZE);

        String flipped = names.get(1);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("wal").resolve(flipped).toFile(), "rw")) {
            f.seek(5_000_000);
            int b = f.read();
            f.seek(5_000_000);
            f.write(b ^ 0x01);
        }
        String gone = names.get(2);
        Files.delete(dir.resolve("wal").resolve(gone));

        VerifyReport report = new ArchiveVerifier(archive).verify();
        assertThat(report.ok()).isFalse();
        assertThat(report.missing()).containsExactly(gone);
        assertThat(report.corrupted()).extracting(VerifyReport.Problem::name).containsExactly(flipped);
        assertThat(report.corrupted().get(0).reason()).contains("checksum mismatch");
        assertThat(report.summary()).contains("FAILED").contains(gone).contains(flipped);

        // from a later start (a backup's first WAL) only what comes after counts
        VerifyReport fromLater = new ArchiveVerifier(archive).verify(names.get(3), null);
        assertThat(fromLater.ok()).as(fromLater.summary()).isTrue();
        assertThat(fromLater.first()).isEqualTo(names.get(3));

        // a start segment that is not there at all
        VerifyReport fromMissing = new ArchiveVerifier(archive).verify(gone, WalServer.SEGMENT_SIZE);
        assertThat(fromMissing.missing()).contains(gone);
    }
}
