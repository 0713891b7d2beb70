package io.camelskytools.routes.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The five route templates in one Camel context against real databases: each moves or applies
 * every event (every row) of a run once. Crash safety is covered by the runtime's
 * TemplatesProcessIT, which kills the packaged jar.
 */
class SkytoolsTemplatesTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    private TestDb src;
    private TestDb dst;
    private CamelContext camel;
    private final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        src = PG.db();
        dst = PG.newDb(0, "target");
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("src", pool(src));
        camel.getRegistry().bind("dst", pool(dst));
        camel.addRoutes(new SkytoolsTemplates());
        camel.addRoutes(new PgqTickerRoutes().database("src").database("dst").tickerPeriod(Duration.ofMillis(20)));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void queueMoverCopiesEveryEventOnceWithTypeAndExtras() throws Exception {
        queue(src, "orders");
        register(src, "orders", "mover");
        queue(dst, "orders_copy");
        insert(src, "orders", 1, 400);
        template(SkytoolsTemplates.QUEUE_MOVER, "mover", Map.of("source", "src", "target", "dst", "queue", "orders",
                "consumer", "mover", "target-queue", "orders_copy", "chunk-size", "150"));
        insert(src, "orders", 401, 600);

        await().atMost(Duration.ofSeconds(30)).until(() -> events(dst, "orders_copy").size() == 600);
        awaitCaughtUp(src, "orders", "mover");
        List<Map<String, Object>> copied = events(dst, "orders_copy");
        assertThat(copied).hasSize(600);
        assertThat(copied).extracting(r -> r.get("ev_data")).doesNotHaveDuplicates();
        assertThat(copied.get(0)).containsEntry("ev_type", "order").containsEntry("ev_data", "n=1")
                .containsEntry("ev_extra1", "shop").containsEntry("ev_extra4", "x1");
        assertThat(copied).extracting(r -> r.get("ev_data") + " " + r.get("ev_time"))
                .as("each event keeps the ev_time it was written with").containsExactlyElementsOf(
                        events(src, "orders").stream().map(r -> r.get("ev_data") + " " + r.get("ev_time")).toList());
        try (Sql s = dst.open()) {
            assertThat(s.longValue("select count(*) from pgq_ext.completed_batch where consumer_id = 'mover'"))
                    .as("pgq_ext records the batches in the target").isEqualTo(1);
        }
    }

    @Test
    void queueSplitterSendsEachEventToTheQueueItsFieldNames() throws Exception {
        queue(src, "changes");
        queue(dst, "public.users");
        queue(dst, "public.orders");
        register(src, "changes", "splitter");
        try (Sql s = src.open()) {
            s.exec("select pgq.insert_event_raw('changes', null, '2001-02-03 04:05:06.789123+00'::timestamptz"
                   + " + g * interval '1 ms', null, null, 'I:id', 'id=' || g, case when g % 3 = 0 then 'public.users'"
                   + " else 'public.orders' end, null, null, null) from generate_series(1, 300) g");
        }
        template(SkytoolsTemplates.QUEUE_SPLITTER, "splitter", Map.of("source", "src", "target", "dst", "queue", "changes",
                "consumer", "splitter"));

        await().atMost(Duration.ofSeconds(30)).until(() -> events(dst, "public.users").size()
                                                           + events(dst, "public.orders").size() == 300);
        assertThat(events(dst, "public.users")).hasSize(100).allSatisfy(r -> assertThat(r.get("ev_extra1"))
                .isEqualTo("public.users"));
        assertThat(events(dst, "public.orders")).hasSize(200).extracting(r -> r.get("ev_data")).doesNotHaveDuplicates();
        try (Sql s = dst.open()) {
            assertThat(s.longValue("select count(*) from pgq.event_template where ev_time <> '2001-02-03"
                                   + " 04:05:06.789123+00'::timestamptz + substr(ev_data, 4)::int * interval '1 ms'"))
                    .as("events whose ev_time is not the one written in the source").isZero();
        }
    }

    @Test
    void simpleConsumerBindsEventFieldsAsValues() throws Exception {
        queue(src, "people");
        register(src, "people", "loader");
        try (Sql s = dst.open()) {
            s.exec("create table person (id int primary key, name text, ev_id bigint)");
        }
        String hostile = "O'Brien'); drop table person; --";
        try (Sql s = src.open()) {
            s.exec("select pgq.insert_event('people', 'I:id', 'id=' || g || '&name=' || case when g = 7 then ? else"
                   + " 'n' || g end, 'public.person', null, null, null) from generate_series(1, 250) g",
                    java.net.URLEncoder.encode(hostile, java.nio.charset.StandardCharsets.UTF_8));
            s.exec("select pgq.insert_event('people', 'I:id', 'id=9999&name=skip', 'public.other', null, null, null)");
            // not a row event: Skytools' simple_consumer skips it
            s.exec("select pgq.insert_event('people', 'note', 'id=9998&name=skip', 'public.person', null, null, null)");
            s.exec("select pgq.insert_event('people', 'I:id', 'id=9997&name=skip', 'public.person', 'old', null, null)");
        }
        template(SkytoolsTemplates.SIMPLE_CONSUMER, "people-loader", Map.of("source", "src", "target", "dst",
                "queue", "people", "consumer", "loader",
                "consumer-filter", "ev_extra1 = 'public.person' and ev_extra2 is distinct from 'old' and ev_id > 0",
                "query", "insert into person (id, name, ev_id) values (%(id)s, %(name)s, %(pgq.ev_id)s)"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(dst, "select count(*) from person") == 250);
        awaitCaughtUp(src, "people", "loader");
        try (Sql s = dst.open()) {
            assertThat(s.longValue("select count(*) from person")).isEqualTo(250);
            assertThat(s.value("select name from person where id = 7")).isEqualTo(hostile);
            assertThat(s.longValue("select count(distinct ev_id) from person")).isEqualTo(250);
            assertThat(s.longValue("select count(*) from person where id > 9000")).as("filtered and non-row events").isZero();
        }
    }

    @Test
    void simpleLocalConsumerRunsTheStatementInTheQueuesDatabaseWithJsonFields() throws Exception {
        queue(src, "clicks");
        register(src, "clicks", "counter");
        try (Sql s = src.open()) {
            s.exec("create table click_count (page text primary key, n int not null)");
            s.exec("select pgq.insert_event('clicks', 'click', json_build_object('page', 'p' || (g % 5))::text)"
                   + " from generate_series(1, 200) g");
        }
        template(SkytoolsTemplates.SIMPLE_LOCAL_CONSUMER, "click-counter", Map.of("db", "src", "queue", "clicks",
                "consumer", "counter", "data-format", "json", "events", "all",
                "query", "insert into click_count values (%(page)s, 1) on conflict (page) do update set n = click_count.n + 1"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(src, "select coalesce(sum(n), 0) from click_count") == 200);
        awaitCaughtUp(src, "clicks", "counter");
        assertThat(count(src, "select coalesce(sum(n), 0) from click_count")).isEqualTo(200);
        assertThat(count(src, "select count(*) from click_count where n = 40")).isEqualTo(5);
    }

    @Test
    void dataMaintainerWalksEveryRowOnceInCommittedChunks() throws Exception {
        try (Sql s = dst.open()) {
            s.exec("create table account (id int primary key, archived bool not null default false, touched int not null"
                   + " default 0)");
            s.exec("insert into account (id) select g from generate_series(1, 1000) g");
        }
        template(SkytoolsTemplates.DATA_MAINTAINER, "archiver", Map.of("name", "archiver", "source", "dst",
                "chunk-query", "select id from account where not archived order by id",
                "row-statement", "update account set archived = true, touched = touched + 1 where id = %(id)s",
                "fetch-count", "64", "commit-interval", "100", "sleep", "10ms", "loop-delay", "0"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(dst, "select count(*) from account where archived") == 1000);
        assertThat(count(dst, "select count(*) from account where touched <> 1")).isZero();
    }

    @Test
    void dataMaintainerCommitsEachRowByDefaultAndEveryIntervalWithoutAutocommit() throws Exception {
        try (Sql s = dst.open()) {
            for (String t : List.of("auto", "chunked")) {
                s.exec("create table " + t + " (id int primary key, done bool not null default false)");
                s.exec("insert into " + t + " (id) select g from generate_series(1, 10) g");
            }
        }
        // the statement fails on row 6 (division by zero)
        String failOnSix = " set done = true where id = %(id)s::int + 0 / (%(id)s::int - 6)";
        template(SkytoolsTemplates.DATA_MAINTAINER, "auto", Map.of("name", "auto", "source", "dst",
                "chunk-query", "select id from auto order by id", "row-statement", "update auto" + failOnSix));
        template(SkytoolsTemplates.DATA_MAINTAINER, "chunked", Map.of("name", "chunked", "source", "dst",
                "chunk-query", "select id from chunked order by id", "row-statement", "update chunked" + failOnSix,
                "autocommit", "0", "commit-interval", "4"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(dst, "select count(*) from auto where done") == 5
                                                           && count(dst, "select count(*) from chunked where done") == 4);
        assertThat(count(dst, "select max(id) from auto where done")).as("rows 1-5 committed one by one").isEqualTo(5);
        assertThat(count(dst, "select max(id) from chunked where done")).as("rows 1-4 committed together").isEqualTo(4);
    }

    @Test
    void dataMaintainerRunsItsBeforeAfterAndCrashStatements() throws Exception {
        try (Sql s = dst.open()) {
            s.exec("create table walk_log (what text, job text, id int)");
            s.exec("create table marked (id int primary key, mark text)");
            s.exec("insert into marked (id) select g from generate_series(1, 3) g");
            s.exec("create table failing (id int primary key, done bool not null default false)");
            s.exec("insert into failing (id) select g from generate_series(1, 5) g");
        }
        String after = "insert into walk_log values ('after', %(job_name)s, %(id)s::int)";
        template(SkytoolsTemplates.DATA_MAINTAINER, "marker", Map.of("name", "marker", "source", "dst",
                "chunk-query", "select id from marked order by id",
                "sql-before-run", "select 'm-' || %(job_name)s as mark",
                "row-statement", "update marked set mark = %(mark)s where id = %(id)s::int",
                "sql-after-run", after));
        template(SkytoolsTemplates.DATA_MAINTAINER, "failer", Map.of("name", "failer", "source", "dst",
                "chunk-query", "select id from failing order by id",
                "row-statement", "update failing set done = true where id = %(id)s::int + 0 / (%(id)s::int - 4)",
                "sql-on-crash", "insert into walk_log values ('crash', %(job_name)s, %(id)s::int)",
                "sql-after-run", after));
        template(SkytoolsTemplates.DATA_MAINTAINER, "empty", Map.of("name", "empty", "source", "dst",
                "chunk-query", "select id from marked where false", "row-statement", "select %(id)s",
                "sql-after-run", "insert into walk_log values ('after', %(job_name)s, null)"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(dst, "select count(*) from walk_log") == 3);
        try (Sql s = dst.open()) {
            assertThat(s.column("select what || ' ' || job || ' ' || coalesce(id::text, '-') from walk_log order by job"))
                    .containsExactly("after empty -", "crash failer 4", "after marker 3");
            assertThat(s.column("select mark from marked order by id")).containsExactly("m-marker", "m-marker", "m-marker");
            assertThat(s.longValue("select count(*) from failing where done")).isEqualTo(3);
        }
    }

    @Test
    void dataMaintainerRunsOnItsDefaults() throws Exception {
        try (Sql s = src.open()) {
            s.exec("create table job (id int primary key, done bool not null default false)");
            s.exec("insert into job (id) select g from generate_series(1, 250) g");
        }
        template(SkytoolsTemplates.DATA_MAINTAINER, "jobs", Map.of("name", "jobs", "source", "src",
                "chunk-query", "select id as job_id from job where not done",
                "row-statement", "update job set done = true where id = %(job_id)s"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(src, "select count(*) from job where done") == 250);
    }

    @Test
    void badParametersFailTheRouteNamingTheParameter() throws Exception {
        queue(src, "orders");
        assertThatThrownBy(() -> template(SkytoolsTemplates.QUEUE_MOVER, "m1", Map.of("source", "src", "target", "nope",
                "queue", "orders", "consumer", "m1")))
                .hasStackTraceContaining("route template queue-mover").hasStackTraceContaining("target names no DataSource bean: 'nope'");
        assertThatThrownBy(() -> template(SkytoolsTemplates.SIMPLE_CONSUMER, "s1", Map.of("source", "src", "target", "dst",
                "queue", "orders", "consumer", "s1", "query", "select 1 where 'a' like 'a%'")))
                .hasStackTraceContaining("query has a % at position 26 that does not start %(name)s");
        assertThatThrownBy(() -> template(SkytoolsTemplates.QUEUE_SPLITTER, "s2", Map.of("source", "src", "target", "dst",
                "queue", "orders", "consumer", "s2", "queue-field", "ev_data")))
                .hasStackTraceContaining("queue-field must be type, extra1, extra2, extra3 or extra4, not 'ev_data'");
        assertThatThrownBy(() -> template(SkytoolsTemplates.SIMPLE_CONSUMER, "s3", Map.of("source", "src", "target", "dst",
                "queue", "orders", "consumer", "s3", "query", "select 1", "consumer-filter", "public.person")))
                .hasStackTraceContaining("consumer-filter is an SQL condition on the event (as Skytools' consumer_filter),"
                                         + " not a table name: for the events of table public.person write"
                                         + " ev_extra1 = 'public.person'");
    }

    private void template(String template, String routeId, Map<String, String> params) {
        TemplatedRouteBuilder b = TemplatedRouteBuilder.builder(camel, template).routeId(routeId);
        params.forEach(b::parameter);
        b.add();
    }

    private HikariDataSource pool(TestDb db) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(db.jdbcUrl());
        // the ticker routes, the consumers (poll, tick listener, target transaction) and a walk (cursor, writes) at once
        ds.setMaximumPoolSize(10);
        pools.add(ds);
        return ds;
    }

    private static void queue(TestDb db, String name) throws Exception {
        try (Sql s = db.open()) {
            s.exec("select pgq.create_queue(?)", name);
            s.exec("select pgq.set_queue_config(?, 'ticker_max_lag', '0')", name);
        }
    }

    /** Registered before the events are written, as with Skytools: a new consumer starts at the latest tick. */
    private static void register(TestDb db, String queue, String consumer) throws Exception {
        try (Sql s = db.open()) {
            s.exec("select pgq.register_consumer(?, ?)", queue, consumer);
        }
    }

    private static void insert(TestDb db, String queue, int from, int to) throws Exception {
        try (Sql s = db.open()) {
            s.exec("select pgq.insert_event(?, 'order', 'n=' || g, 'shop', null, null, 'x' || g) from generate_series(?, ?) g",
                    queue, from, to);
        }
    }

    /** The events of a queue, oldest first, as rows. */
    static List<Map<String, Object>> events(TestDb db, String queue) throws Exception {
        try (Sql s = db.open()) {
            String table = (String) s.value("select queue_data_pfx from pgq.queue where queue_name = ?", queue);
            return s.rows("select ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra4 from " + table + " order by ev_id");
        }
    }

    private static long count(TestDb db, String sql) throws Exception {
        try (Sql s = db.open()) {
            return s.longValue(sql);
        }
    }

    private static void awaitCaughtUp(TestDb db, String queue, String consumer) {
        await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "select count(*) from pgq.get_consumer_info('" + queue
                + "', '" + consumer + "') where current_batch is null and pending_events = 0") == 1);
    }
}
