package io.camelskytools.walmgr.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.support.WalServer;
import io.camelskytools.walmgr.verify.ArchiveVerifier;
import io.camelskytools.walmgr.verify.VerifyReport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive's disk fills up under the archiver: it says so, keeps the slot where the
 * archive ends (the primary keeps the WAL), retries, and once there is room again the
 * archive is complete. The disk is a 40 MB tmpfs mounted for the test (CI runs as root).
 */
@Tag("needs-debian")
class ArchiveDiskFullTest {

    @TempDir
    Path dir;

    @Test
    void fullDiskIsReportedAndNothingIsLost() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("disk"));
        mount("-t", "tmpfs", "-o", "size=40m", "tmpfs", disk.toString());
        try (WalServer server = WalServer.start()) {
            WalArchive archive = WalArchive.open(disk);
            StreamingArchiver archiver = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null), archive,
                    ArchiverSettings.defaults().withSlot("walmgr_full").withMaxReconnectDelay(Duration.ofMillis(500)),
                    null);
            archiver.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> archiver.status().streaming());
                // about five 16 MB segments: three do not fit
                server.writeSegments(5);
                long end = server.currentLsn();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    String e = archiver.status().lastError();
                    return !archiver.status().streaming() && e != null && e.contains("No space left");
                });
                assertThat(archiver.isRunning()).as("the archiver keeps trying").isTrue();
                assertThat(archiver.status().flushedLsn()).isLessThan(end);
                // the slot holds the WAL the archive does not have yet
                assertThat(server.slotRestartLsn("walmgr_full")).isBetween(0L, archiver.status().flushedLsn());

                mount("-o", "remount,size=400m", disk.toString());
                await().atMost(Duration.ofSeconds(60)).until(() -> archiver.status().flushedLsn() >= end);
            } finally {
                archiver.stop();
            }
            VerifyReport report = new ArchiveVerifier(archive).verify();
            assertThat(report.ok()).as(report.summary()).isTrue();
            assertThat(report.checked()).isGreaterThanOrEqualTo(5);
        } finally {
            mount("-u", disk.toString());
        }
    }

    /** mount ARGS, or umount PATH with "-u". */
    private static void mount(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        if (args[0].equals("-u")) {
            cmd.add("umount");
            cmd.add(args[1]);
        } else {
            cmd.add("mount");
            cmd.addAll(java.util.List.of(args));
        }
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as("%s (the test needs root to mount a small tmpfs)", cmd).isZero();
    }
}
