package io.camelskytools.runtime.cli.walmgr;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static io.camelskytools.runtime.cli.InProcessCli.walmgr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `skytools walmgr` end to end on real Debian PostgreSQL 15 servers: setup, a backup,
 * streaming archiving by `skytools run`, status and verify, a restore that reaches the
 * last streamed second, a standby that is paused, continued and booted, xrestore, stop.
 */
@Tag("needs-debian")
class WalmgrCommandTest {

    @RegisterExtension
    final WalmgrScratch scratch = new WalmgrScratch("walmgr-cli-");

    @Test
    void fromSetupToABootedStandby() throws Exception {
        SystemPgServer primary = scratch.startPrimary("wal_level=replica", "max_wal_senders=5",
                "max_replication_slots=5", "fsync=on", "synchronous_commit=on", "full_page_writes=on");
        Path dir = scratch.dir();
        Path archive = dir.resolve("archive");
        Path cfg = dir.resolve("skytools.properties");
        String primaryUrl = "jdbc:postgresql://127.0.0.1:" + primary.port() + "/postgres?user=postgres";
        Files.writeString(cfg, String.join("\n",
                "skytools.walmgr.primary.url = " + primaryUrl,
                "skytools.walmgr.archive = " + archive,
                "skytools.walmgr.slot = cli_test",
                "skytools.management.enabled = false", ""));

        Result setup = walmgr(cfg, "setup");
        assertThat(setup.exit()).as(setup.err()).isZero();
        assertThat(setup.out()).contains("replication slot cli_test created").contains("primary ready");
        Result backup = walmgr(cfg, "backup", "--name", "b1");
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("backup b1").contains("100%")
                .contains("not in the archive yet"); // nothing archives yet: the slot holds the WAL
        assertThat(walmgr(cfg, "listbackups", "--json").out()).contains("\"name\":\"b1\"");

        // skytools run with only skytools.walmgr.* configured: it streams, and starts no database of its own
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "40");
        exec(primaryUrl, "create table t(id int primary key, note text)");
        exec(primaryUrl, "insert into t select i, 'before switch' from generate_series(1, 1000) i");
        exec(primaryUrl, "select pg_switch_wal()");
        // these live only in the segment being filled: the restore must reach them through the partial file
        exec(primaryUrl, "insert into t select i, 'in the partial segment' from generate_series(1001, 1010) i");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            Result status = walmgr(cfg, "status", "--json");
            return status.exit() == 0 && status.out().contains("\"lag_bytes\":0");
        });
        assertThat(run.out()).contains("streaming WAL from").doesNotContain("embedded PostgreSQL");
        Result status = walmgr(cfg, "status");
        assertThat(status.out()).contains("slot_active: true").contains("partial_segment: ").contains("backups: 1");

        Result verify = walmgr(cfg, "verify", "--backup", "b1");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).startsWith("OK");

        // restore the latest state next to the primary
        int port1 = freePort();
        Path data1 = dir.resolve("restored");
        Result restore = walmgr(cfg, "restore", "b1", data1.toString(), "--set", "port=" + port1);
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("restored backup b1 into " + data1);
        scratch.startRestored(data1, port1);
        String url1 = "jdbc:postgresql://127.0.0.1:" + port1 + "/postgres?user=postgres";
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "f".equals(query(url1, "select pg_is_in_recovery()")));
        assertThat(query(url1, "select count(*) from t")).isEqualTo("1010");
        // DIR alone (no backup named) is a directory, here one in use
        Result occupied = walmgr(cfg, "restore", data1.toString());
        assertThat(occupied.exit()).isEqualTo(1);
        assertThat(occupied.err()).contains("Target data directory " + data1 + " is not empty");

        // a standby that streams from the primary
        int port2 = freePort();
        Path data2 = dir.resolve("standby");
        Result standby = walmgr(cfg, "restore", "b1", data2.toString(), "--standby", "--primary-conninfo",
                "host=127.0.0.1 port=" + primary.port() + " user=postgres", "--set", "port=" + port2);
        assertThat(standby.exit()).as(standby.err()).isZero();
        String url2 = "jdbc:postgresql://127.0.0.1:" + port2 + "/postgres?user=postgres";
        Path standbyCfg = dir.resolve("standby.properties");
        Files.writeString(standbyCfg, Files.readString(cfg) + "skytools.walmgr.standby.url = " + url2 + "\n");
        // not started yet: status still reports the archive, and says so of the standby
        Result down = walmgr(standbyCfg, "status");
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(down.out()).contains("archived_lsn: ").contains("standby: unreachable: ").contains(":" + port2);
        scratch.startRestored(data2, port2);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "1010".equals(query(url2, "select count(*) from t")));
        await().atMost(Duration.ofSeconds(30)).until(() -> walmgr(standbyCfg, "status").out()
                .contains("standby_wal_receiver: streaming"));
        assertThat(walmgr(standbyCfg, "status").out()).contains("standby: replaying");

        assertThat(walmgr(standbyCfg, "pause").out()).contains("replay paused");
        exec(primaryUrl, "insert into t values (2000, 'while paused')");
        String primaryLsn = query(primaryUrl, "select pg_current_wal_lsn()::text");
        // received, but not replayed
        await().atMost(Duration.ofSeconds(30)).until(() -> "t".equals(
                query(url2, "select pg_last_wal_receive_lsn() >= '" + primaryLsn + "'::pg_lsn")));
        assertThat(query(url2, "select count(*) from t where id = 2000")).isEqualTo("0");
        assertThat(walmgr(standbyCfg, "continue").out()).contains("replay resumed");
        await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(query(url2, "select count(*) from t where id = 2000")));

        Result boot = walmgr(standbyCfg, "boot");
        assertThat(boot.exit()).as(boot.err()).isZero();
        exec(url2, "insert into t values (3000, 'written on the booted standby')");
        assertThat(walmgr(standbyCfg, "status").out()).contains("standby: promoted (not in recovery)")
                .doesNotContain("standby_replay_lsn");
        Result notStandby = walmgr(standbyCfg, "pause");
        assertThat(notStandby.exit()).isEqualTo(1);
        assertThat(notStandby.err()).contains("is not a standby");

        // restore_command by hand: a completed segment, then one the archive does not have
        String segment = Files.list(archive.resolve("wal")).map(p -> p.getFileName().toString())
                .filter(n -> n.matches("[0-9A-F]{24}")).sorted().findFirst().orElseThrow();
        Path copy = dir.resolve("copy");
        assertThat(walmgr(cfg, "xrestore", segment, copy.toString()).exit()).isZero();
        assertThat(Files.mismatch(copy, archive.resolve("wal").resolve(segment))).isEqualTo(-1L);
        assertThat(walmgr(cfg, "xrestore", "0000000100000099000000FF", dir.resolve("none").toString()).exit())
                .isEqualTo(1);

        assertThat(run.exit(60)).isZero();
        Result stop = walmgr(cfg, "stop");
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("replication slot cli_test dropped");
        assertThat(query(primaryUrl, "select count(*) from pg_replication_slots")).isEqualTo("0");
    }

    @Test
    void configurationErrorsNameTheKey() throws Exception {
        Path dir = scratch.dir();
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, "skytools.walmgr.primary.url = jdbc:postgresql://127.0.0.1:1/postgres\n");
        Result noArchive = walmgr(cfg, "listbackups");
        assertThat(noArchive.exit()).isEqualTo(1);
        assertThat(noArchive.err()).contains("skytools.walmgr.archive is not set");
        Files.writeString(cfg, "skytools.walmgr.archive = " + dir.resolve("nowhere") + "\n");
        Result noDir = walmgr(cfg, "verify");
        assertThat(noDir.exit()).isEqualTo(1);
        assertThat(noDir.err()).contains(dir.resolve("nowhere").toString());
        Result noStandby = walmgr(cfg, "boot");
        assertThat(noStandby.exit()).isEqualTo(1);
        assertThat(noStandby.err()).contains("skytools.walmgr.standby.url is not set");
        Files.writeString(cfg, "skytools.walmgr.archive = " + dir + "\nskytools.walmgr.slot = Bad-Slot\n"
                               + "skytools.walmgr.primary.url = jdbc:postgresql://127.0.0.1:1/postgres\n");
        assertThat(walmgr(cfg, "setup").err()).contains("skytools.walmgr.slot must be");
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
