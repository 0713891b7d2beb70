package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged {@code skytools run} processes with {@code skytools.cluster.enabled=true} and the
 * same {@code master:writers:timer:...} route, which puts its member's name into queue
 * {@code writes} every 100 ms. The leader's lock session is ended with pg_terminate_backend,
 * then the leader process is killed with kill -9: each time the other takes over, and the
 * events (in id order) show one run of writes per leadership: never two writers at once.
 */
class ClusterProcessIT {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    private final List<SkytoolsProcess> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (SkytoolsProcess p : processes) {
            p.close();
        }
    }

    @Test
    void leadershipMovesBetweenProcessesAndNeverTwoWriteAtOnce() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('writes')");
        }
        Path routes = dir.resolve("writer.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: writer",
                "    from:",
                "      uri: \"master:writers:timer:write?delay=0&period=100\"",
                "      steps:",
                "        - setBody:",
                "            constant: \"{{writer.name}}\"",
                "        - setHeader:",
                "            name: CamelPgqEventType",
                "            constant: write",
                "        - to: \"pgq:writes\"", ""));
        SkytoolsProcess a = start("a", routes);
        SkytoolsProcess b = start("b", routes);
        String leader = awaitWriter(null);
        int takeovers = 0;

        for (int i = 0; i < 2; i++) {
            awaitLockSession(other(leader));
            long t0 = System.nanoTime();
            try (Sql s = PG.db().open()) {
                List<Object> pids = s.column("select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                        + " where l.locktype = 'advisory' and l.granted and a.application_name = ?",
                        "skytools-cluster " + leader);
                // the leader holds the writers lock and, as the first to start, maybe some of the runtime's singletons
                assertThat(pids).as("lock sessions of %s", leader).isNotEmpty();
                for (Object pid : pids) {
                    s.exec("select pg_terminate_backend(?)", pid);
                }
            }
            String next = awaitWriter(other(leader));
            takeovers++;
            System.out.printf("takeover after pg_terminate_backend: %s -> %s in %d ms%n", leader, next,
                    (System.nanoTime() - t0) / 1_000_000);
            leader = next;
        }

        awaitLockSession(other(leader));
        SkytoolsProcess doomed = leader.equals("a") ? a : b;
        long t0 = System.nanoTime();
        assertThat(doomed.signal("KILL", 10)).isTrue();
        String next = awaitWriter(other(leader));
        takeovers++;
        System.out.printf("takeover after kill -9: %s -> %s in %d ms%n", leader, next, (System.nanoTime() - t0) / 1_000_000);

        try (Sql s = PG.db().open()) {
            List<Map<String, Object>> rows = s.rows("select ev_data from pgq.event_template where ev_type = 'write'"
                                                    + " order by ev_id");
            List<String> runs = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                String m = (String) r.get("ev_data");
                if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(m)) {
                    runs.add(m);
                }
            }
            assertThat(runs).as("runs of writes by member, %d writes", rows.size()).hasSize(takeovers + 1);
        }
        SkytoolsProcess survivor = doomed == a ? b : a;
        assertThat(survivor.lines("lost leadership of cluster namespace 'writers'")).isNotEmpty();
        assertThat(survivor.lines(" ERROR ")).as("errors; output:%n%s", survivor.output()).isEmpty();
    }

    private SkytoolsProcess start(String name, Path routes) throws Exception {
        Path cfg = dir.resolve(name + ".properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.management.enabled = false",
                "skytools.cluster.enabled = true",
                "skytools.instance.id = " + name,
                "skytools.cluster.period = 200ms",
                "skytools.cluster.validation-timeout = 500ms",
                "skytools.cluster.takeover-delay = 1500ms",
                "writer.name = " + name, ""));
        SkytoolsProcess p = SkytoolsProcess.start("run", "--config", cfg.toString(), "--routes", "file:" + routes);
        processes.add(p);
        return p;
    }

    private static String other(String member) {
        return member.equals("a") ? "b" : "a";
    }

    /** Waits for a fresh write (by {@code member}, or by anyone) and returns who wrote it. */
    private static String awaitWriter(String member) throws Exception {
        long since;
        try (Sql s = PG.db().open()) {
            since = s.longValue("select coalesce(max(ev_id), 0) from pgq.event_template where ev_type = 'write'");
        }
        String[] writer = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try (Sql s = PG.db().open()) {
                        List<Object> m = s.column("select ev_data from pgq.event_template where ev_type = 'write'"
                                                  + " and ev_id > ? and (ev_data = ? or ? = '') order by ev_id desc limit 1",
                                since, member == null ? "" : member, member == null ? "" : member);
                        writer[0] = m.isEmpty() ? null : (String) m.get(0);
                        return writer[0] != null;
                    }
                });
        return writer[0];
    }

    private static void awaitLockSession(String member) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Sql s = PG.db().open()) {
                return s.longValue("select count(*) from pg_stat_activity where application_name = ?",
                        "skytools-cluster " + member) > 0;
            }
        });
    }
}
