package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.ArchivingPrimary;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.Os;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 1: one flipped byte in an archived segment must never let a restore end
 * early and promote with part of the data. 1000 rows go out in ten segments; the fifth
 * (rows 401-500) is damaged.
 */
@Tag("needs-debian")
class DamagedArchiveRestoreTest {

    @Test
    void aFlippedByteIsRefusedStopsReplayAndAGoodCopyRecoversEverything() throws Exception {
        try (Scratch scratch = Scratch.create("walmgr-damaged-")) {
            WalArchive archive = WalArchive.open(scratch.newDir("archive"));
            BackupStore store = BackupStore.in(archive);
            String damaged;
            try (ArchivingPrimary primary = ArchivingPrimary.start(scratch, null)) {
                StreamingArchiver archiver = new StreamingArchiver(WalSource.of(primary.jdbcUrl(), "postgres", null),
                        archive, ArchiverSettings.defaults().withSlot("walmgr_damaged")
                                .withFlushInterval(Duration.ofMillis(200)), null);
                archiver.start();
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> archiver.status().streaming());
                    primary.exec("create table orders(id int primary key, note text)");
                    new BaseBackup(primary.connector(), store).take("before");
                    String[] segments = new String[10];
                    for (int batch = 0; batch < 10; batch++) {
                        primary.exec("insert into orders select g, 'batch " + batch + "' from generate_series("
                                     + (batch * 100 + 1) + ", " + (batch * 100 + 100) + ") g");
                        segments[batch] = primary.query("select pg_walfile_name(pg_switch_wal())");
                    }
                    String lastSegment = segments[9];
                    await("segment " + lastSegment + " archived").atMost(Duration.ofSeconds(60))
                            .until(() -> archive.find(lastSegment).isPresent());
                    damaged = segments[4];
                } finally {
                    archiver.stop();
                }
            }
            Path good = scratch.newDir("offsite");
            Files.copy(archive.find(damaged).orElseThrow(), good.resolve(damaged));
            flipByte(archive.find(damaged).orElseThrow(), 200);

            // up front: restore names the damaged segment and puts nothing in place
            Path refused = scratch.resolve("refused");
            assertThatThrownBy(() -> new Restore(store).archive(archive).into(refused))
                    .isInstanceOf(RestoreException.class)
                    .hasMessageContaining(damaged).hasMessageContaining("checksum mismatch")
                    .hasMessageContaining("--allow-gap");
            assertThat(refused).doesNotExist();

            // damaged after the restore was set up: replay stops at it, the server never promotes
            flipByte(archive.find(damaged).orElseThrow(), 200);
            RestoredDatabase later = new Restore(store).archive(archive).into(scratch.resolve("later"));
            flipByte(archive.find(damaged).orElseThrow(), 200);
            String log = startExpectingStop(later.dataDir(), scratch);
            assertThat(log).contains(damaged).contains("checksum mismatch").contains("recovery stops here");
            assertThat(Os.asPostgres(PgTestConfig.bin() + "/pg_controldata", later.dataDir().toString()))
                    .as("not promoted").contains("in archive recovery");
            // once the archive is mended, the same directory recovers everything
            flipByte(archive.find(damaged).orElseThrow(), 200);
            try (RestoredServer s = RestoredServer.start(later.dataDir(), scratch.dir())) {
                awaitPromoted(s);
                assertThat(s.query("select count(*) from orders")).isEqualTo("1000");
            }
            flipByte(archive.find(damaged).orElseThrow(), 200);

            // a good copy elsewhere: taken instead, all 1000 rows
            RestoredDatabase mended = new Restore(store).archive(archive).walCopies(List.of(good))
                    .into(scratch.resolve("mended"));
            try (RestoredServer s = RestoredServer.start(mended.dataDir(), scratch.dir())) {
                awaitPromoted(s);
                assertThat(s.query("select count(*) from orders")).isEqualTo("1000");
                assertThat(s.log()).contains("using the good copy in " + good);
            }

            // told to: recovery ends before the damaged segment and promotes with what came before
            RestoredDatabase partial = new Restore(store).archive(archive).allowGap(true)
                    .into(scratch.resolve("partial"));
            assertThat(partial.walProblems()).singleElement().asString().contains(damaged);
            try (RestoredServer s = RestoredServer.start(partial.dataDir(), scratch.dir())) {
                awaitPromoted(s);
                assertThat(s.query("select count(*) from orders")).isEqualTo("400");
                assertThat(s.log()).contains(damaged).contains("--allow-gap");
            }
        }
    }

    /** Starts a server whose recovery must stop; returns its log once it is down. */
    private static String startExpectingStop(Path dataDir, Scratch scratch) {
        RestoredServer server = null;
        String log;
        try {
            // pg_ctl may see it up (consistent, read-only) before replay reaches the damage, or already down
            server = RestoredServer.start(dataDir, scratch.dir());
        } catch (IllegalStateException down) {
            // the server log is in the message too
        }
        await("the server stops on its own").atMost(Duration.ofSeconds(90))
                .until(() -> !Files.exists(dataDir.resolve("postmaster.pid")));
        try {
            log = Files.readString(scratch.resolve(dataDir.getFileName() + ".log"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (server != null) {
            server.close();
        }
        return log;
    }

    private static void awaitPromoted(RestoredServer s) {
        await("recovery to end").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> "f".equals(s.query("select pg_is_in_recovery()")));
    }

    private static void flipByte(Path file, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
    }
}
