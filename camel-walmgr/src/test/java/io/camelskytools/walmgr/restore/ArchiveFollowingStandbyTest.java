package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.ArchivingPrimary;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import io.camelskytools.walmgr.standby.StandbyControl;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A standby with no connection to the primary, fed only by the archive that the streaming
 * archiver fills: it sees rows still in the .partial segment, and more as that segment grows;
 * boot (promote) opens it with all of them.
 */
@Tag("needs-debian")
class ArchiveFollowingStandbyTest {

    @Test
    void standbyFollowsTheGrowingPartialSegmentAndBootsWithEveryRow() throws Exception {
        try (Scratch scratch = Scratch.create("walmgr-follow-")) {
            WalArchive archive = WalArchive.open(scratch.newDir("archive"));
            try (ArchivingPrimary primary = ArchivingPrimary.start(scratch, null)) {
                StreamingArchiver archiver = new StreamingArchiver(WalSource.of(primary.jdbcUrl(), "postgres", null),
                        archive, ArchiverSettings.defaults().withSlot("walmgr_follow")
                                .withFlushInterval(Duration.ofMillis(200)), null);
                archiver.start();
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> archiver.status().streaming());
                    primary.exec("create table notes(id int primary key)");
                    BackupStore store = BackupStore.in(archive);
                    new BaseBackup(primary.connector(), store).take("follow");

                    // retry the archive often: the test should not wait PostgreSQL's default 5 s per round
                    RestoredDatabase db = new Restore(store).standby(true).archive(archive)
                            .setting("wal_retrieve_retry_interval", "200ms").into(scratch.resolve("follower"));
                    try (RestoredServer s = RestoredServer.start(db.dataDir(), scratch.dir())) {
                        primary.exec("insert into notes select generate_series(1, 10)");
                        awaitCount(s, 10);
                        primary.exec("insert into notes select generate_series(11, 20)");
                        awaitCount(s, 20);
                        assertThat(s.query("select pg_is_in_recovery()")).isEqualTo("t");

                        primary.exec("insert into notes select generate_series(21, 30)");
                        awaitCount(s, 30);
                        new StandbyControl(s.connector()).promote(Duration.ofSeconds(60));
                        s.exec("insert into notes values (31)");
                        assertThat(s.query("select count(*) from notes")).isEqualTo("31");
                    }
                } finally {
                    archiver.stop();
                }
            }
        }
    }

    private static void awaitCount(RestoredServer s, int n) {
        await(n + " rows on the standby").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> Integer.toString(n).equals(s.query("select count(*) from notes")));
    }
}
