package io.camelskytools.walmgr.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.Os;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import io.camelskytools.walmgr.backup.ServerConnector;
import io.camelskytools.walmgr.restore.Restore;
import io.camelskytools.walmgr.restore.RestoredDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 6: the streaming archiver as the primary's synchronous standby. Four
 * writers commit rows until the primary is killed with kill -9; a restore from the archive
 * alone holds every commit the primary acknowledged, run after run.
 */
@Tag("needs-debian")
class SynchronousArchiveTest {

    private static final int RUNS = 5;

    @Test
    void killMinusNineUnderLoadLosesNoAcknowledgedCommit() throws Exception {
        for (int run = 1; run <= RUNS; run++) {
            oneRun(run);
        }
    }

    private static void oneRun(int run) throws Exception {
        try (Scratch scratch = Scratch.create("walmgr-sync-");
             SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin(), "wal_level=replica", "max_wal_senders=5",
                     "max_replication_slots=5", "fsync=on", "synchronous_commit=on", "full_page_writes=on",
                     "synchronous_standby_names=walmgr")) {
            WalArchive archive = WalArchive.open(scratch.newDir("archive"));
            String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=postgres";
            StreamingArchiver archiver = new StreamingArchiver(WalSource.of(url, null, null), archive,
                    ArchiverSettings.defaults().withSlot("walmgr_sync").withSynchronous(true), null);
            archiver.start();
            ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> archiver.status().streaming());
                exec(url, "create table acked(id bigint primary key, writer int, pad text)");
                BackupStore store = BackupStore.in(archive);
                new BaseBackup(ServerConnector.of(url, null, null), store).take("before");

                AtomicBoolean writing = new AtomicBoolean(true);
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int writer = w;
                    Thread t = new Thread(() -> write(url, writer, acknowledged, writing), "sync-writer-" + w);
                    writers.add(t);
                    t.start();
                }
                await("commits acknowledged").atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 400);
                String pid = Files.readAllLines(pg.dataDir().resolve("postmaster.pid")).get(0).strip();
                Os.run("kill", "-9", pid);
                writing.set(false);
                for (Thread t : writers) {
                    t.join(30_000);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> !archiver.status().streaming());
            } finally {
                archiver.stop();
            }

            RestoredDatabase db = new Restore(BackupStore.in(archive)).archive(archive).into(scratch.resolve("restored"));
            Set<Long> restored = new HashSet<>();
            try (RestoredServer s = RestoredServer.start(db.dataDir(), scratch.dir())) {
                await("recovery to end").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                        .until(() -> "f".equals(s.query("select pg_is_in_recovery()")));
                try (Connection c = s.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select id from acked")) {
                    while (rs.next()) {
                        restored.add(rs.getLong(1));
                    }
                }
            }
            List<Long> lost = acknowledged.stream().filter(id -> !restored.contains(id)).toList();
            assertThat(lost).as("run %d: commits the primary acknowledged (%d), missing from the restore", run,
                    acknowledged.size()).isEmpty();
        }
    }

    /** Single-row commits; an id counts once the commit returned, i.e. once the primary acknowledged it. */
    private static void write(String url, int writer, ConcurrentLinkedQueue<Long> acknowledged, AtomicBoolean writing) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (long n = 0; writing.get(); n++) {
                long id = n * 4 + writer;
                st.execute("insert into acked values (" + id + ", " + writer + ", repeat('x', 200))");
                acknowledged.add(id);
            }
        } catch (SQLException e) {
            // the kill: the commit in flight was not acknowledged
        }
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
