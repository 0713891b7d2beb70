package io.camelskytools.runtime.bench;

import static io.camelskytools.runtime.cli.InProcessCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `skytools bench londiste` on a tiny scale, between two real Debian servers, with Skytools'
 * python londiste3 and pgqd: each contender is measured three times, the ratios come out,
 * and no bench database is left on either server.
 */
@Tag("needs-debian")
class LondisteBenchCommandTest {

    private SystemPgServer provider;
    private SystemPgServer target;

    @AfterEach
    void stopServers() throws Exception {
        for (SystemPgServer s : new SystemPgServer[] {provider, target}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void tinyBenchMeasuresAllThreeAndCleansUp() throws Exception {
        provider = SystemPgServer.start(PgTestConfig.bin(), "wal_level=logical");
        target = SystemPgServer.start(PgTestConfig.bin());
        Result r = run("bench", "londiste", "--provider", url(provider), "--target", url(target), "--pg-bin",
                PgTestConfig.bin(), "--scale", "1", "--transactions", "400", "--tps", "50", "--lag-seconds", "4");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        String out = r.out();
        for (String who : new String[] {"ours", "python londiste3", "native logical replication"}) {
            assertThat(out).as(who).containsPattern("(?m)^" + who + ": copied in [\\d.]+ s$");
            assertThat(out).as(who).containsPattern("(?m)^" + who + ": 1,600 row changes in [\\d.]+ s: [\\d,]+ rows/s$");
            assertThat(out).as(who).containsPattern("(?m)^" + who
                                                    + ": lag mean [\\d.]+ s, p50 [\\d.]+ s, p99 [\\d.]+ s, max [\\d.]+ s");
        }
        for (String other : new String[] {"python londiste3", "native logical replication"}) {
            assertThat(out).containsPattern("backlog drain: ours [\\d,]+ rows/s, " + other + " [\\d,]+ rows/s: [\\d.]+x");
            assertThat(out).containsPattern("initial copy: ours [\\d.]+ s, " + other + " [\\d.]+ s: [\\d.]+x the time");
            assertThat(out).containsPattern("lag \\(mean\\): ours [\\d.]+ s, " + other + " [\\d.]+ s: [\\d.]+x");
        }
        for (SystemPgServer s : new SystemPgServer[] {provider, target}) {
            try (Connection c = DriverManager.getConnection(url(s)); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from pg_database where datname like 'bench_lond%'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("bench databases left on " + s.port()).isZero();
            }
        }
    }

    @Test
    void aMissingLondiste3IsNamed() {
        Result r = run("bench", "londiste", "--provider", "jdbc:postgresql://127.0.0.1:1/postgres", "--target",
                "jdbc:postgresql://127.0.0.1:1/postgres", "--pg-bin", PgTestConfig.bin(), "--londiste",
                "/nonexistent/londiste");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("bench londiste needs /nonexistent/londiste");
    }

    private static String url(SystemPgServer s) {
        return "jdbc:postgresql://127.0.0.1:" + s.port() + "/postgres?user=postgres";
    }
}
