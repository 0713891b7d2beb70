package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packaged {@code skytools run} processes with the same routes on the same queue, under load
 * from the test (about 300 events a second, numbered 1, 2, 3 ...). Every event a route handles
 * is put into another queue with the member's id and the batch id, so the test counts every
 * one: none may be missing, and an event may only come again when its batch was in the hands
 * of a process killed with kill -9.
 */
class ConsumerScaleOutProcessIT {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqCoop();

    @TempDir
    Path dir;

    private final Map<String, SkytoolsProcess> processes = new LinkedHashMap<>();

    /** A failure shows what every process printed. */
    @RegisterExtension
    final TestWatcher showOutput = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            processes.forEach((name, p) -> System.out.printf("--- output of %s:%n%s%n", name, p.output()));
        }
    };
    private final AtomicBoolean producing = new AtomicBoolean();
    private final AtomicLong produced = new AtomicLong();
    private Thread producer;

    @AfterEach
    void stop() throws Exception {
        producing.set(false);
        if (producer != null) {
            producer.join(10_000);
        }
        for (SkytoolsProcess p : processes.values()) {
            p.close();
        }
    }

    /**
     * Three copies of two exclusive consumers of queue {@code orders}: {@code billing} (at least
     * once) and {@code mover} (exactly once: pgq_ext, into queue {@code moved}). The active copy
     * of billing is killed twice: 3 copies, then 2, then 1.
     */
    @Test
    void exclusiveConsumersTakeOverFromKilledProcessesLosingNothing() throws Exception {
        try (Sql s = PG.db().open()) {
            for (String q : List.of("orders", "seen", "moved")) {
                s.exec("select pgq.create_queue(?)", q);
            }
            s.exec("select pgq.register_consumer('orders', 'billing')");
            s.exec("select pgq.register_consumer('orders', 'mover')");
        }
        Path routes = routes("exclusive.yaml",
                "- route:",
                "    id: billing",
                "    from:",
                "      uri: \"pgq:orders?consumerName=billing&idleWait=200ms\"",
                "      steps:",
                "        - setHeader: {name: CamelPgqEventType, constant: seen}",
                "        - setHeader: {name: CamelPgqExtra1, constant: \"{{skytools.instance.id}}\"}",
                "        - setHeader: {name: CamelPgqExtra2, simple: \"${header.CamelPgqBatchId}\"}",
                "        - to: \"pgq:seen\"",
                "- route:",
                "    id: mover",
                "    from:",
                "      uri: \"pgq:orders?consumerName=mover&targetDataSource=#warehouse&idleWait=200ms\"",
                "      steps:",
                "        - setHeader: {name: CamelPgqEventType, constant: moved}",
                "        - setHeader: {name: CamelPgqExtra1, constant: \"{{skytools.instance.id}}\"}",
                "        - to: \"pgq:moved?dataSource=#warehouse\"");
        startProducing("orders");
        start("a", routes, "camel.beans.warehouse = #class:io.camelskytools.pgq.PgqTargetDataSource(#bean:db-main)");
        // a leads both consumers before the others start
        assertThat(awaitWorker("seen", null)).isEqualTo("a");
        assertThat(awaitWorker("moved", null)).isEqualTo("a");
        start("b", routes, "camel.beans.warehouse = #class:io.camelskytools.pgq.PgqTargetDataSource(#bean:db-main)");
        start("c", routes, "camel.beans.warehouse = #class:io.camelskytools.pgq.PgqTargetDataSource(#bean:db-main)");
        awaitLockSessions(6);

        List<String> killed = new ArrayList<>();
        String active = "a";
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            assertThat(processes.get(active).signal("KILL", 10)).isTrue();
            killed.add(active);
            String next = awaitWorker("seen", null, killed);
            System.out.printf("billing: %s killed (kill -9), %s active %d ms later%n", active, next,
                    (System.nanoTime() - t0) / 1_000_000);
            active = next;
        }
        stopProducingAndAwait("seen", "moved");

        try (Sql s = PG.db().open()) {
            long total = produced.get();
            assertThat(s.longValue("select count(distinct ev_data) from pgq.event_template where ev_type = 'seen'"))
                    .as("billing saw every event").isEqualTo(total);
            List<Map<String, Object>> doubled = s.rows(
                    "select ev_extra2 as batch, array_to_string(array_agg(distinct ev_extra1), ',') as members"
                    + " from pgq.event_template where ev_type = 'seen' and ev_data in (select ev_data from"
                    + " pgq.event_template where ev_type = 'seen' group by ev_data having count(*) > 1) group by ev_extra2");
            System.out.printf("billing: %d events, %d seen twice, in batches %s%n", total,
                    s.longValue("select count(*) - count(distinct ev_data) from pgq.event_template where ev_type = 'seen'"),
                    doubled);
            // doubles come only from the batch a killed process had in hand: at most one per kill.
            // Both kills may hit the same batch (the second victim killed while still on the batch
            // it took over), so a batch has the processes killed on it plus the one that finished it.
            assertThat(doubled.size()).isLessThanOrEqualTo(killed.size());
            for (Map<String, Object> batch : doubled) {
                List<String> members = List.of(((String) batch.get("members")).split(","));
                assertThat(members).as("workers of batch %s", batch.get("batch"))
                        .hasSizeBetween(2, killed.size() + 1).containsAnyElementsOf(killed);
                assertThat(members.stream().filter(m -> !killed.contains(m)))
                        .as("workers of batch %s that were not killed", batch.get("batch")).hasSizeLessThanOrEqualTo(1);
            }
            assertThat(s.longValue("select count(*) from pgq.event_template where ev_type = 'moved'"))
                    .as("mover (exactly once) moved every event once").isEqualTo(total);
            assertThat(s.longValue("select count(distinct ev_data) from pgq.event_template where ev_type = 'moved'"))
                    .isEqualTo(total);
        }
        SkytoolsProcess survivor = processes.get(active);
        assertThat(survivor.lines(" ERROR ")).as("errors; output:%n%s", survivor.output()).isEmpty();
    }

    /**
     * Three copies of a coop consumer ({@code coop=true}: each its instance id as subconsumer)
     * split queue {@code jobs}; one is killed while the work goes on, and its open batch is
     * taken over by a sibling after {@code deadInterval}.
     */
    @Test
    void coopCopiesSplitTheWorkAndTakeOverAKilledCopysBatch() throws Exception {
        try (Sql s = PG.db().open()) {
            for (String q : List.of("jobs", "seen")) {
                s.exec("select pgq.create_queue(?)", q);
            }
            s.exec("select pgq.register_consumer('jobs', 'workers')");
        }
        Path routes = routes("coop.yaml",
                "- route:",
                "    id: work",
                "    from:",
                "      uri: \"pgq:jobs?consumerName=workers&coop=true&deadInterval=3s&idleWait=200ms\"",
                "      steps:",
                "        - setHeader: {name: CamelPgqEventType, constant: seen}",
                "        - setHeader: {name: CamelPgqExtra1, constant: \"{{skytools.instance.id}}\"}",
                "        - setHeader: {name: CamelPgqExtra2, simple: \"${header.CamelPgqBatchId}\"}",
                "        - to: \"pgq:seen\"");
        startProducing("jobs");
        for (String member : List.of("a", "b", "c")) {
            start(member, routes);
        }
        for (String member : List.of("a", "b", "c")) {
            awaitWorker("seen", member);
        }
        // the one that worked last most likely has a batch in hand
        String doomed = awaitWorker("seen", null);
        long t0 = System.nanoTime();
        assertThat(processes.get(doomed).signal("KILL", 10)).isTrue();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Sql s = PG.db().open()) {
                return !s.column("select consumer_name from pgq.get_consumer_info('jobs')").contains("workers." + doomed);
            }
        });
        System.out.printf("coop: %s killed (kill -9); its subconsumer taken over %d ms later (deadInterval 3 s)%n", doomed,
                (System.nanoTime() - t0) / 1_000_000);
        stopProducingAndAwait("seen");

        try (Sql s = PG.db().open()) {
            long total = produced.get();
            assertThat(s.longValue("select count(distinct ev_data) from pgq.event_template where ev_type = 'seen'"))
                    .as("every job done").isEqualTo(total);
            List<Object> doubledBatches = s.column("select distinct ev_extra2 from pgq.event_template where ev_type = 'seen'"
                    + " and ev_data in (select ev_data from pgq.event_template where ev_type = 'seen' group by ev_data"
                    + " having count(*) > 1)");
            assertThat(doubledBatches).as("batches done twice").hasSizeLessThanOrEqualTo(1);
            for (Object batch : doubledBatches) {
                assertThat(s.column("select distinct ev_extra1 from pgq.event_template where ev_type = 'seen'"
                                    + " and ev_extra2 = ?", batch)).contains(doomed);
            }
            Map<Object, Object> perMember = new LinkedHashMap<>();
            for (Map<String, Object> r : s.rows("select ev_extra1, count(*) from pgq.event_template where ev_type = 'seen'"
                                                + " group by 1 order by 1")) {
                perMember.put(r.get("ev_extra1"), r.get("count"));
            }
            System.out.printf("coop: %d jobs, done per copy %s%n", total, perMember);
        }
    }

    private Path routes(String name, String... lines) throws Exception {
        Path routes = dir.resolve(name);
        Files.writeString(routes, String.join("\n", lines) + "\n");
        return routes;
    }

    private void start(String name, Path routes, String... more) throws Exception {
        Path cfg = dir.resolve(name + ".properties");
        List<String> lines = new ArrayList<>(List.of(
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 50ms",
                "skytools.management.enabled = false",
                "skytools.instance.id = " + name,
                "skytools.cluster.period = 200ms",
                "skytools.cluster.validation-timeout = 500ms",
                "skytools.cluster.takeover-delay = 1500ms"));
        lines.addAll(List.of(more));
        Files.writeString(cfg, String.join("\n", lines) + "\n");
        processes.put(name, SkytoolsProcess.start("run", "--config", cfg.toString(), "--routes", "file:" + routes));
    }

    /** About 300 events a second into {@code queue}, 10 per transaction; ev_data 1, 2, 3 ... */
    private void startProducing(String queue) {
        producing.set(true);
        producer = new Thread(() -> {
            try (Sql s = PG.db().open()) {
                while (producing.get()) {
                    long from = produced.get() + 1;
                    s.exec("select pgq.insert_event(?, 'order', g::text) from generate_series(?::bigint, ?::bigint) g",
                            queue, from, from + 9);
                    produced.addAndGet(10);
                    Thread.sleep(30);
                }
            } catch (Exception e) {
                throw new IllegalStateException("producer failed", e);
            }
        }, "test-producer");
        producer.start();
    }

    private void stopProducingAndAwait(String... outputs) throws Exception {
        producing.set(false);
        producer.join(10_000);
        long total = produced.get();
        for (String type : outputs) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (Sql s = PG.db().open()) {
                    return s.longValue("select count(distinct ev_data) from pgq.event_template where ev_type = ?", type)
                           == total;
                }
            });
        }
    }

    private static String awaitWorker(String type, String member) throws Exception {
        return awaitWorker(type, member, List.of());
    }

    /** Waits for fresh output of {@code type} (by {@code member}, or by anyone not in {@code except}); who made it. */
    private static String awaitWorker(String type, String member, List<String> except) throws Exception {
        long since;
        try (Sql s = PG.db().open()) {
            since = s.longValue("select coalesce(max(ev_id), 0) from pgq.event_template where ev_type = ?", type);
        }
        String[] worker = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            try (Sql s = PG.db().open()) {
                for (Object m : s.column("select ev_extra1 from pgq.event_template where ev_type = ? and ev_id > ?"
                                         + " order by ev_id desc", type, since)) {
                    if ((member == null || member.equals(m)) && !except.contains(m)) {
                        worker[0] = (String) m;
                        return true;
                    }
                }
                return false;
            }
        });
        return worker[0];
    }

    private static void awaitLockSessions(int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Sql s = PG.db().open()) {
                return s.longValue("select count(*) from pg_stat_activity where application_name like 'skytools-cluster %'")
                       >= count;
            }
        });
    }
}
