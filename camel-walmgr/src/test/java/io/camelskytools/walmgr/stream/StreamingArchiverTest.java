package io.camelskytools.walmgr.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.camelskytools.walmgr.archive.Sha256;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.support.WalServer;
import io.camelskytools.walmgr.verify.ArchiveVerifier;
import io.camelskytools.walmgr.verify.VerifyReport;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A workload of several segments is archived byte for byte, with checksums, and the slot follows. */
@Tag("needs-debian")
class StreamingArchiverTest {

    @TempDir
    Path dir;

    @Test
    void archivesEverySegmentByteForByteAndMovesTheSlot() throws Exception {
        try (WalServer server = WalServer.start()) {
            WalArchive archive = WalArchive.open(dir);
            List<String> announced = new CopyOnWriteArrayList<>();
            StreamingArchiver archiver = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null), archive,
                    ArchiverSettings.defaults().withSlot("walmgr_a"), (f, end) -> announced.add(f.name()));
            archiver.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> archiver.status().streaming());
                long slotAtStart = server.slotRestartLsn("walmgr_a");
                assertThat(slotAtStart).as("the slot was created and holds WAL").isPositive();

                server.writeSegments(4);
                long end = server.currentLsn();
                await().atMost(Duration.ofSeconds(60)).until(() -> archiver.status().flushedLsn() >= end);

                List<WalSegment> done = archive.completedSegments(WalServer.SEGMENT_SIZE);
                assertThat(done).hasSizeGreaterThanOrEqualTo(4);
                for (WalSegment s : done) {
                    String name = s.fileName(WalServer.SEGMENT_SIZE);
                    byte[] ours = Files.readAllBytes(archive.find(name).orElseThrow());
                    byte[] theirs = Files.readAllBytes(server.walFile(name));
                    assertThat(ours).as("archived %s equals the server's pg_wal/%s", name, name).isEqualTo(theirs);
                    assertThat(archive.recordedChecksum(name)).contains(Sha256.of(new java.io.ByteArrayInputStream(theirs)));
                }
                assertThat(announced).as("every completed segment was announced")
                        .containsAll(done.stream().map(s -> s.fileName(WalServer.SEGMENT_SIZE)).toList());

                long lastEnd = done.get(done.size() - 1).next().startLsn(WalServer.SEGMENT_SIZE);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(server.slotRestartLsn("walmgr_a")).as("slot restart_lsn").isGreaterThanOrEqualTo(lastEnd));
                assertThat(archiver.status().bytesReceived()).isGreaterThanOrEqualTo(4 * WalServer.SEGMENT_SIZE / 4);
                assertThat(archiver.status().lastFlush()).isNotNull();
                assertThat(archiver.lagBytes()).isBetween(0L, WalServer.SEGMENT_SIZE);

                VerifyReport report = new ArchiveVerifier(archive).verify();
                assertThat(report.ok()).as(report.summary()).isTrue();
                assertThat(report.checked()).isEqualTo(done.size());
            } finally {
                archiver.stop();
            }
            // the partial holds exactly what was confirmed at stop
            long flushed = archiver.status().flushedLsn();
            WalSegment current = WalSegment.containing(1, flushed, WalServer.SEGMENT_SIZE);
            Path partial = archive.partialPath(current.fileName(WalServer.SEGMENT_SIZE));
            long held = Files.exists(partial) ? Files.size(partial) : 0;
            assertThat(current.startLsn(WalServer.SEGMENT_SIZE) + held).as("partial end vs " + Lsn.format(flushed))
                    .isEqualTo(flushed);
            assertThat(server.slotRestartLsn("walmgr_a")).isEqualTo(flushed);
        }
    }
}
