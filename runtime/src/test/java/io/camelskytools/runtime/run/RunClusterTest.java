package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import io.camelskytools.pgq.cluster.AdvisoryLockKey;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * skytools.cluster.enabled=true: the ticker, retry and maintenance routes run only where their
 * namespace has its leader. Another session holding the ticker's lock keeps this runtime from
 * ticking while it leads retry and maintenance; once that session ends, it ticks.
 */
class RunClusterTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    @Test
    void theTickerRunsOnlyWhereItsNamespaceHasTheLeader() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("select pgq.create_queue('probe')");
            // a tick at every ticker round, events or not
            s.exec("select pgq.set_queue_config('orders', 'ticker_idle_period', '0')");
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 100ms",
                "skytools.management.enabled = false",
                "skytools.cluster.enabled = true",
                "skytools.instance.id = solo",
                "skytools.cluster.period = 200ms",
                "skytools.cluster.validation-timeout = 500ms",
                "skytools.cluster.takeover-delay = 1s", ""));
        try (Connection rival = PG.db().connect(); Sql r = new Sql(rival)) {
            r.exec("select set_config('application_name', 'skytools-cluster rival', false)");
            r.exec("select pg_advisory_lock(?)", AdvisoryLockKey.of("skytools:pgq-ticker-db-main"));
            long ticksBefore = ticks();
            Background run = InProcessCli.start("run", "--config", cfg.toString(), "--routes", "file:" + probeRoute(),
                    "--duration", "30");
            // this member leads namespace probe: its route writes, so the cluster has been up for the takeover delay...
            awaitOrShow(run, () -> {
                try (Sql s = PG.db().open()) {
                    return s.longValue("select count(*) from pgq.event_template where ev_type = 'probe'") > 0;
                }
            });
            try (Sql s = PG.db().open()) {
                // (probe, retry and maintenance: their locks held by its sessions)
                assertThat(s.longValue("select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                                       + " where l.locktype = 'advisory' and l.granted"
                                       + " and a.application_name = 'skytools-cluster solo'")).isEqualTo(3);
            }
            // ...but not the ticker, whose lock the rival holds
            assertThat(ticks()).as(run.out()).isEqualTo(ticksBefore);
            rival.close();
            awaitOrShow(run, () -> ticks() > ticksBefore + 2);
            assertThat(run.exit(60)).as(run.err()).isZero();
            assertThat(run.out()).contains("skytools: cluster member solo: advisory locks in database main")
                    .contains("these run in one member at a time, each where its namespace skytools:ROUTE has its leader:"
                              + " pgq-ticker-db-main, pgq-retry-db-main, pgq-maint-db-main");
        }
    }

    @Test
    void camelsFileLockServiceRunsTheSingletonsWhenChosen() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("select pgq.create_queue('probe')");
            s.exec("select pgq.set_queue_config('orders', 'ticker_idle_period', '0')");
        }
        long ticksBefore = ticks();
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 100ms",
                "skytools.management.enabled = false",
                "skytools.cluster.enabled = true",
                "skytools.cluster.service = file",
                "skytools.cluster.file.root = " + dir.resolve("locks"),
                "skytools.instance.id = filer", ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--routes", "file:" + probeRoute(),
                "--duration", "30");
        awaitOrShow(run, () -> {
            try (Sql s = PG.db().open()) {
                return s.longValue("select count(*) from pgq.event_template where ev_type = 'probe' and ev_data = 'filer'") > 0
                       && ticks() > ticksBefore + 2;
            }
        });
        assertThat(run.exit(60)).as(run.err()).isZero();
        assertThat(run.out()).contains("skytools: cluster member filer: Camel's file lock service in " + dir.resolve("locks"));
    }

    @Test
    void anUnknownClusterServiceIsRefusedByName() throws Exception {
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.management.enabled = false",
                "skytools.cluster.enabled = true",
                "skytools.cluster.service = zookeeper", ""));
        InProcessCli.Result r = InProcessCli.run("run", "--config", cfg.toString(), "--duration", "5");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("skytools.cluster.service must be postgresql or file, not 'zookeeper'");
    }

    /** Waits at most 30 s; on time-out the failure shows what the run printed. */
    private static void awaitOrShow(Background run, Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nout:\n" + run.out() + "\nerr:\n" + run.err(), e);
        }
    }

    private Path probeRoute() throws Exception {
        Path routes = dir.resolve("probe.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: probe",
                "    from:",
                "      uri: \"master:probe:timer:probe?delay=0&period=100\"",
                "      steps:",
                "        - setHeader:",
                "            name: CamelPgqEventType",
                "            constant: probe",
                "        - setBody:",
                "            constant: \"{{skytools.instance.id}}\"",
                "        - to: \"pgq:probe\"", ""));
        return routes;
    }

    private static long ticks() throws Exception {
        try (Sql s = PG.db().open()) {
            List<Object> n = s.column("select count(*) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                                      + " where q.queue_name = 'orders'");
            return ((Number) n.get(0)).longValue();
        }
    }
}
