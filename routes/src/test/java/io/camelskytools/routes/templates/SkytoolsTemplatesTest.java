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
            s.exec("select pgq.insert_event('changes', 'I:id', 'id=' || g, case when g % 3 = 0 then 'public.users'"
                   + " else 'public.orders' end, null, null, null) from generate_series(1, 300) g");
        }
        template(SkytoolsTemplates.QUEUE_SPLITTER, "splitter", Map.of("source", "src", "target", "dst", "queue", "changes",
                "consumer", "splitter"));

        await().atMost(Duration.ofSeconds(30)).until(() -> events(dst, "public.users").size()
                                                           + events(dst, "public.orders").size() == 300);
        assertThat(events(dst, "public.users")).hasSize(100).allSatisfy(r -> assertThat(r.get("ev_extra1"))
                .isEqualTo("public.users"));
        assertThat(events(dst, "public.orders")).hasSize(200).extracting(r -> r.get("ev_data")).doesNotHaveDuplicates();
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
        }
        template(SkytoolsTemplates.SIMPLE_CONSUMER, "people-loader", Map.of("source", "src", "target", "dst",
                "queue", "people", "consumer", "loader", "consumer-filter", "public.person",
                "query", "insert into person (id, name, ev_id) values (%(id)s, %(name)s, %(pgq.ev_id)s)"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(dst, "select count(*) from person") == 250);
        awaitCaughtUp(src, "people", "loader");
        try (Sql s = dst.open()) {
            assertThat(s.longValue("select count(*) from person")).isEqualTo(250);
            assertThat(s.value("select name from person where id = 7")).isEqualTo(hostile);
            assertThat(s.longValue("select count(distinct ev_id) from person")).isEqualTo(250);
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
                "consumer", "counter", "data-format", "json",
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
            return s.rows("select ev_id, ev_type, ev_data, ev_extra1, ev_extra4 from " + table + " order by ev_id");
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
