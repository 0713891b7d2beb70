package io.camelskytools.runtime.bench;

import static io.camelskytools.runtime.cli.InProcessCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `skytools bench walmgr` on a small scale against a real server and Debian's pg_receivewal:
 * every catch-up runs, the ratios come out, and the bench leaves no slot or table behind.
 */
@Tag("needs-debian")
class WalBenchCommandTest {

    private SystemPgServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void smallWalBenchComparesBothArchiversAndCleansUp() throws Exception {
        server = SystemPgServer.start(PgTestConfig.bin(), "wal_level=replica", "max_wal_senders=5",
                "max_replication_slots=5", "archive_mode=on");
        String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user=postgres";
        Result r = run("bench", "walmgr", "--url", url, "--pg-bin", PgTestConfig.bin(), "--wal-mb", "16",
                "--seconds", "3", "--rounds", "2", "--archive-segments", "3", "--sync-commits", "20");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        String out = r.out();
        assertThat(out).contains("warm-up (cold JVM, not counted): ours: ");
        // the warm-up and two timed catch-ups of ours, two of pg_receivewal
        assertThat(count(out, "(?m)ours: \\d+ MB in [\\d.]+ s: [\\d.]+ MB/s")).isEqualTo(3);
        assertThat(count(out, "(?m)^pg_receivewal: \\d+ MB in [\\d.]+ s: [\\d.]+ MB/s")).isEqualTo(2);
        Matcher ratio = Pattern.compile("archive throughput \\(medians\\): ours ([\\d.]+) MB/s, pg_receivewal ([\\d.]+) MB/s:"
                                        + " ([\\d.]+)x").matcher(out);
        assertThat(ratio.find()).as(out).isTrue();
        assertThat(Double.parseDouble(ratio.group(1))).isPositive();
        assertThat(Double.parseDouble(ratio.group(2))).isPositive();
        assertThat(out).containsPattern("recovery-point lag p50/p99/max: ours [\\d.]+/[\\d.]+/[\\d.]+ s");
        // archive_command: each archives the burst twice (the order alternating), then the medians
        assertThat(count(out, "(?m)^walmgr_archive.sh: 3 segments in [\\d.]+ s: [\\d.]+ segments/s")).isEqualTo(2);
        assertThat(count(out, "(?m)^cp \\+ sync: 3 segments in [\\d.]+ s: [\\d.]+ segments/s")).isEqualTo(2);
        assertThat(out).containsPattern("archive_command burst \\(medians\\): walmgr_archive.sh [\\d.]+ segments/s,"
                                        + " cp \\+ sync [\\d.]+ segments/s: [\\d.]+x");
        assertThat(out).containsPattern("synchronous standby, commit p50/p99: none [\\d.]+/[\\d.]+ ms, ours [\\d.]+/[\\d.]+ ms,"
                                        + " pg_receivewal --synchronous [\\d.]+/[\\d.]+ ms: p50 [\\d.]+x");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select (select count(*) from pg_replication_slots where slot_name like"
                                            + " 'bench_walmgr%'), to_regclass('bench_wal_load') is null,"
                                            + " to_regclass('bench_archive_burst') is null,"
                                            + " current_setting('archive_command'),"
                                            + " current_setting('synchronous_standby_names')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("bench slots left").isZero();
            assertThat(rs.getBoolean(2)).as("bench table dropped").isTrue();
            assertThat(rs.getBoolean(3)).as("burst table dropped").isTrue();
            assertThat(rs.getString(4)).as("the server's archive_command back").isEmpty();
            assertThat(rs.getString(5)).as("the server's synchronous_standby_names back").isEmpty();
        }
    }

    @Test
    void anOddNumberOfRoundsIsRefused() {
        Result r = run("bench", "walmgr", "--url", "jdbc:postgresql://127.0.0.1:1/postgres", "--pg-bin",
                PgTestConfig.bin(), "--rounds", "3");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--rounds must be an even number of at least 2, not 3");
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
