package io.camelskytools.walmgr.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.walmgr.archive.WalArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 2: with archive_mode on and an archive_command that fails, a backup used to
 * hang in pg_backup_stop without a word. It says what it waits for and why, and gives up.
 */
@Tag("needs-debian")
class BackupWaitsForArchivingTest {

    @Test
    void aFailingArchiveCommandIsNamedAndTheBackupGivesUpAfterItsTimeout() throws Exception {
        // archive_command in postgresql.auto.conf, not on the command line, where ALTER SYSTEM could not change it
        try (Scratch scratch = Scratch.create("walmgr-backupwait-");
             SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin(), "wal_level=replica", "archive_mode=on")) {
            WalArchive archive = WalArchive.open(scratch.newDir("archive"));
            scratch.giveToPostgres(archive.root());
            ServerConnector primary = ServerConnector.of("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres",
                    "postgres", null);
            exec(primary, "alter system set archive_command = '/bin/false'");
            BackupStore store = BackupStore.in(archive);
            List<String> said = new CopyOnWriteArrayList<>();

            long started = System.nanoTime();
            assertThatThrownBy(() -> new BaseBackup(primary, store).archiveTimeout(Duration.ofSeconds(3))
                    .waiting(said::add).take("stuck"))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("archive_command did not archive")
                    .hasMessageMatching("(?s).*did not archive 0000000100000000000000\\p{XDigit}{2}, the backup's last.*")
                    .hasMessageContaining("failing");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("gave up").isLessThan(Duration.ofSeconds(60));
            assertThat(said).isNotEmpty();
            assertThat(said.get(0)).contains("waiting for archive_command to archive 0000000100000000000000")
                    .contains("giving up after 3 s");
            assertThat(store.list()).as("no half backup left").isEmpty();

            // mended: the same backup goes through once the segment is archived
            exec(primary, "alter system set archive_command = 'cp %p " + archive.walDir() + "/%f'");
            BackupInfo b = new BaseBackup(primary, store).archiveTimeout(Duration.ofSeconds(60))
                    .waiting(said::add).take("after");
            String last = b.manifest().stopSegment().fileName(b.manifest().walSegmentSize());
            assertThat(archive.find(last)).as(last + " archived before backup returned").isPresent();
        }
    }

    /** A setting change, and the reload applied before we go on. */
    private static void exec(ServerConnector server, String alterSystem) throws Exception {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute(alterSystem);
            st.execute("select pg_reload_conf()");
        }
        String want = alterSystem.substring(alterSystem.indexOf("= '") + 3, alterSystem.length() - 1).replace("''", "'");
        await("archive_command reloaded").atMost(Duration.ofSeconds(30)).until(() -> {
            try (Connection c = server.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select current_setting('archive_command')")) {
                return rs.next() && rs.getString(1).equals(want);
            }
        });
    }
}
