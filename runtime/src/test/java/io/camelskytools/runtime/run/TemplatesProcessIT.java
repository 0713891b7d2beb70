package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five templates configured in skytools.properties, run by the packaged jar while events
 * keep coming: the process is killed (kill -9) in the middle, started again, and in the end
 * every event was moved or applied exactly once, and every row of the walk touched once.
 */
class TemplatesProcessIT {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    private static final List<String> SOURCE_QUEUES = List.of("orders", "changes", "people", "clicks");

    @TempDir
    Path dir;

    @Test
    void everyTemplateSurvivesKillNineWithoutLossOrDoubles() throws Exception {
        TestDb main = PG.db();
        TestDb dw = PG.newDb(0, "dw");
        int rows = 3000;
        try (Sql s = main.open()) {
            for (String q : SOURCE_QUEUES) {
                s.exec("select pgq.create_queue(?)", q);
                s.exec("select pgq.set_queue_config(?, 'ticker_max_lag', '0')", q);
            }
            // registered before the first event, as with Skytools: a new consumer starts at the latest tick
            for (List<String> qc : List.of(List.of("orders", "mover"), List.of("changes", "split"), List.of("people", "people"),
                    List.of("clicks", "clicks"))) {
                s.exec("select pgq.register_consumer(?, ?)", qc.get(0), qc.get(1));
            }
            s.exec("create table click_count (page text primary key, n int not null)");
        }
        try (Sql s = dw.open()) {
            for (String q : List.of("orders_copy", "public.users", "public.orders")) {
                s.exec("select pgq.create_queue(?)", q);
            }
            s.exec("create table person (id int, name text)");
            s.exec("create table account (id int primary key, archived bool not null default false, touched int not null"
                   + " default 0)");
            s.exec("insert into account (id) select g from generate_series(1, ?) g", rows);
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + main.jdbcUrl(),
                "skytools.db.dw.url = " + dw.jdbcUrl(),
                "skytools.db.dw.ticker = false",
                "skytools.ticker.period = 50ms",
                "skytools.management.enabled = false",
                "skytools.template.mover.type = queue-mover",
                "skytools.template.mover.source = main",
                "skytools.template.mover.target = dw",
                "skytools.template.mover.queue = orders",
                "skytools.template.mover.target-queue = orders_copy",
                "skytools.template.split.type = queue-splitter",
                "skytools.template.split.source = main",
                "skytools.template.split.target = dw",
                "skytools.template.split.queue = changes",
                "skytools.template.people.type = simple-consumer",
                "skytools.template.people.source = main",
                "skytools.template.people.target = dw",
                "skytools.template.people.queue = people",
                "skytools.template.people.query = insert into person (id, name) values (%(id)s, %(name)s)",
                "skytools.template.clicks.type = simple-local-consumer",
                "skytools.template.clicks.db = main",
                "skytools.template.clicks.queue = clicks",
                "skytools.template.clicks.data-format = json",
                "skytools.template.clicks.events = all",
                "skytools.template.clicks.query = insert into click_count values (%(page)s, 1)"
                + " on conflict (page) do update set n = click_count.n + 1",
                "skytools.template.archive.type = data-maintainer",
                "skytools.template.archive.source = dw",
                "skytools.template.archive.chunk-query = select id from account where not archived order by id",
                "skytools.template.archive.row-statement = update account set archived = true, touched = touched + 1"
                + " where id = %(id)s",
                "skytools.template.archive.commit-interval = 50",
                "skytools.template.archive.sleep = 100ms",
                "skytools.template.archive.loop-delay = 2s", ""));

        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        AtomicReference<Exception> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                produce(main, producing, produced);
            } catch (Exception e) {
                producerFailure.set(e);
            }
        }, "events");
        producer.start();
        try {
            try (SkytoolsProcess run = SkytoolsProcess.start("run", "--config", cfg.toString())) {
                // kill it while the walk is half way and events are flowing through all four consumers
                awaitOrShow(run, Duration.ofSeconds(90), () -> count(dw, "select count(*) from account where archived") >= rows / 4
                                                               && count(dw, "select count(*) from person") > 0
                                                               && count(main, "select count(*) from click_count") > 0);
                assertThat(run.signal("KILL", 10)).as("killed; output:%n%s", run.output()).isTrue();
                assertThat(count(dw, "select count(*) from account where archived")).as("killed mid-walk").isLessThan(rows);
            }
            // events keep coming while it is down
            int atKill = produced.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> produced.get() >= atKill + 20);
        } finally {
            producing.set(false);
            producer.join();
        }
        assertThat(producerFailure.get()).as("producer").isNull();
        int n = produced.get();
        try (SkytoolsProcess run = SkytoolsProcess.start("run", "--config", cfg.toString())) {
            awaitOrShow(run, Duration.ofSeconds(120), () -> count(dw, "select count(*) from person") >= n
                    && queueCount(dw, "orders_copy") >= n
                    && queueCount(dw, "public.users") + queueCount(dw, "public.orders") >= n
                    && count(main, "select coalesce(sum(n), 0) from click_count") >= n
                    && count(dw, "select count(*) from account where archived") == rows);
            for (String q : SOURCE_QUEUES) {
                awaitCaughtUp(main, q);
            }
            assertThat(run.signal("INT", 30)).as("stopped; output:%n%s", run.output()).isTrue();
            assertThat(run.output()).contains("skytools: template route mover: queue-mover");
        }
        assertThat(queueCount(dw, "orders_copy")).as("moved").isEqualTo(n);
        assertThat(count(dw, "select count(distinct ev_data) from " + table(dw, "orders_copy"))).isEqualTo(n);
        assertThat(queueCount(dw, "public.users") + queueCount(dw, "public.orders")).as("split").isEqualTo(n);
        assertThat(count(dw, "select count(*) from person")).as("applied").isEqualTo(n);
        assertThat(count(dw, "select count(distinct id) from person")).isEqualTo(n);
        assertThat(count(main, "select coalesce(sum(n), 0) from click_count")).as("counted locally").isEqualTo(n);
        assertThat(count(dw, "select count(*) from account where touched <> 1")).as("rows touched other than once").isZero();
    }

    /** Waits for the condition; when it does not come, fails with the process's output. */
    private static void awaitOrShow(SkytoolsProcess run, Duration atMost, Callable<Boolean> condition) {
        try {
            await().atMost(atMost).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; output:\n" + run.output(), e);
        }
    }

    /** One event into every source queue per transaction, numbered 1, 2, ... until told to stop. */
    private static void produce(TestDb db, AtomicBoolean producing, AtomicInteger produced) throws Exception {
        try (Sql s = db.open()) {
            while (producing.get()) {
                int i = produced.get() + 1;
                s.begin();
                s.exec("select pgq.insert_event('orders', 'order', ?, 'shop', null, null, null)", "n=" + i);
                s.exec("select pgq.insert_event('changes', 'I:id', ?, ?, null, null, null)", "id=" + i,
                        i % 2 == 0 ? "public.users" : "public.orders");
                s.exec("select pgq.insert_event('people', 'I:id', ?, 'public.person', null, null, null)",
                        "id=" + i + "&name=n" + i);
                s.exec("select pgq.insert_event('clicks', 'click', ?, null, null, null, null)",
                        "{\"page\": \"p" + (i % 7) + "\"}");
                s.commit();
                produced.set(i);
                // a steady trickle rather than one burst, so that the kill lands among batches
                Thread.sleep(5);
            }
        }
    }

    private static long count(TestDb db, String sql) throws Exception {
        try (Sql s = db.open()) {
            return s.longValue(sql);
        }
    }

    private static String table(TestDb db, String queue) throws Exception {
        try (Sql s = db.open()) {
            return (String) s.value("select queue_data_pfx from pgq.queue where queue_name = ?", queue);
        }
    }

    private static long queueCount(TestDb db, String queue) throws Exception {
        return count(db, "select count(*) from " + table(db, queue));
    }

    private static void awaitCaughtUp(TestDb db, String queue) {
        await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "select count(*) from pgq.get_consumer_info('" + queue
                + "') where current_batch is null and pending_events = 0") == 1);
    }
}
