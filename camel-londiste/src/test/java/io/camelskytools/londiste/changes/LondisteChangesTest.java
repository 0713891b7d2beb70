package io.camelskytools.londiste.changes;

import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.londiste.LondisteConstants;
import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code londiste:changes} on a real root node: the rows a transaction inserts, updates and
 * deletes reach the route as exchanges, in order, with table, operation, key, row and tick;
 * the batch is only recorded after the route took all of it.
 */
class LondisteChangesTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A root node of queue "shop" on {@code db} with the tables given, replicated with {@code flags} triggers. */
    static void root(TestDb db, Sql s, String flags, String... tables) throws Exception {
        new NodeSetup("shop", "shop_root").createRoot(s.connection(), "root", location(db));
        AddTableOptions options = flags == null ? AddTableOptions.DEFAULTS
                : new AddTableOptions(false, false, false, flags, List.of(), null, List.of(), null, null, null, null);
        new TableSetup("shop").addTables(s.connection(), List.of(tables), false, options);
    }

    static CamelContext camel(TestDb db, String uri, List<Exchange> received, AtomicBoolean failing) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("node", ds);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("changes").process(e -> {
                    if (failing != null && failing.get()
                        && "2".equals(e.getIn().getHeader(LondisteConstants.KEY, Map.class).get("id"))) {
                        throw new IllegalStateException("the downstream system refused order 2");
                    }
                    received.add(e.copy());
                });
            }
        });
        try {
            camel.start();
        } catch (RuntimeException e) {
            camel.close();
            throw e;
        }
        return camel;
    }

    static long completedTick(Sql s, String consumer) throws Exception {
        return s.longValue("select last_tick_id from pgq_node.local_state where queue_name = 'shop' and consumer_name = ?",
                consumer);
    }

    @Test
    void insertsUpdatesAndDeletesArriveWithTableOperationKeyRowAndTick() throws Exception {
        TestDb db = PG.db();
        List<Exchange> received = new CopyOnWriteArrayList<>();
        try (Sql s = db.open(); LondisteNodes nodes = new LondisteNodes()) {
            s.exec("create table public.orders (id int primary key, item text, qty int)");
            root(db, s, null, "orders");
            nodes.ticker(db);
            try (CamelContext camel = camel(db, "londiste:changes?queue=shop&consumer=feed&dataSource=#node"
                                                + "&loopDelay=200ms&exceptionSleep=200ms", received, null)) {
                s.exec("insert into orders values (1, 'apple', 3), (2, 'pear', null)");
                s.exec("update orders set qty = 5 where id = 1");
                s.exec("delete from orders where id = 2");
                await().atMost(WAIT).until(() -> received.size() >= 4);
                List<String> ops = new ArrayList<>();
                for (Exchange e : received) {
                    Message m = e.getMessage();
                    assertThat(m.getHeader(LondisteConstants.TABLE)).isEqualTo("public.orders");
                    assertThat(m.getHeader(LondisteConstants.QUEUE)).isEqualTo("shop");
                    assertThat(m.getHeader(LondisteConstants.CONSUMER)).isEqualTo("feed");
                    assertThat(m.getHeader(LondisteConstants.TICK_ID, Long.class)).isPositive();
                    ops.add(m.getHeader(LondisteConstants.OPERATION) + " " + m.getHeader(LondisteConstants.KEY) + " "
                            + m.getBody(Map.class));
                }
                assertThat(ops).containsExactly(
                        "INSERT {id=1} {id=1, item=apple, qty=3}",
                        "INSERT {id=2} {id=2, item=pear, qty=null}",
                        "UPDATE {id=1} {id=1, item=apple, qty=5}",
                        "DELETE {id=2} {id=2, item=pear, qty=null}");
                // the position recorded in pgq_node is the last exchange's tick once its batch is done
                long lastTick = received.get(3).getMessage().getHeader(LondisteConstants.TICK_ID, Long.class);
                await().atMost(WAIT).until(() -> completedTick(s, "feed") >= lastTick);
                camel.getRouteController().stopRoute("changes");
                long held = completedTick(s, "feed");
                s.exec("insert into orders values (3, 'fig', 1)");
                // the cascade's watermark waits for the stopped consumer while the queue moves on
                await().atMost(WAIT).until(() -> s.longValue("select max(tick_id) from pgq.tick t join pgq.queue q"
                                                             + " on q.queue_id = t.tick_queue where q.queue_name = 'shop'")
                                                 > held);
                assertThat(s.longValue("select local_watermark from pgq_node.get_node_info('shop')")).isEqualTo(held);
            }
        }
    }

    @Test
    void jsonBodyOnRequestAndOnlyTheTablesAsked() throws Exception {
        TestDb db = PG.db();
        List<Exchange> received = new CopyOnWriteArrayList<>();
        try (Sql s = db.open(); LondisteNodes nodes = new LondisteNodes()) {
            s.exec("create table public.orders (id int primary key, item text)");
            s.exec("create table public.audit (id int primary key, note text)");
            root(db, s, null, "orders", "audit");
            nodes.ticker(db);
            try (CamelContext camel = camel(db, "londiste:changes?queue=shop&consumer=json_feed&dataSource=#node"
                                                + "&tables=orders&format=json&loopDelay=200ms", received, null)) {
                s.exec("insert into audit values (1, 'not wanted')");
                s.exec("insert into orders values (7, 'plum & \"co\"')");
                s.exec("truncate orders");
                await().atMost(WAIT).until(() -> received.size() >= 2);
                ObjectMapper json = new ObjectMapper();
                JsonNode insert = json.readTree(received.get(0).getMessage().getBody(String.class));
                assertThat(insert.path("table").asText()).isEqualTo("public.orders");
                assertThat(insert.path("operation").asText()).isEqualTo("INSERT");
                assertThat(insert.path("key").path("id").asText()).isEqualTo("7");
                assertThat(insert.path("row").path("item").asText()).isEqualTo("plum & \"co\"");
                assertThat(insert.path("tick").asLong())
                        .isEqualTo(received.get(0).getMessage().getHeader(LondisteConstants.TICK_ID, Long.class));
                JsonNode truncate = json.readTree(received.get(1).getMessage().getBody(String.class));
                assertThat(truncate.path("operation").asText()).isEqualTo("TRUNCATE");
                assertThat(truncate.path("row").size()).isZero();
                // the audit row came before both in the same queue: skipped, it would have been first
                assertThat(received).hasSize(2);
            }
        }
    }

    @Test
    void jsontrigaTablesGiveTheSameMapsAndBatchModeGroupsABatch() throws Exception {
        TestDb db = PG.db();
        List<Exchange> received = new CopyOnWriteArrayList<>();
        try (Sql s = db.open(); LondisteNodes nodes = new LondisteNodes()) {
            s.exec("create table public.orders (id int primary key, item text, qty int)");
            root(db, s, "J", "orders");
            nodes.ticker(db);
            try (CamelContext camel = camel(db, "londiste:changes?queue=shop&consumer=batches&dataSource=#node"
                                                + "&batchMode=true&loopDelay=200ms", received, null)) {
                s.begin();
                s.exec("insert into orders values (1, 'apple', 3), (2, 'pear', 4)");
                s.exec("update orders set item = 'quince' where id = 2");
                s.commit();
                await().atMost(WAIT).until(() -> !received.isEmpty());
                Message m = received.get(0).getMessage();
                assertThat(m.getHeader(LondisteConstants.ROWS)).isEqualTo(3);
                @SuppressWarnings("unchecked")
                List<TableChange> changes = m.getBody(List.class);
                assertThat(changes).extracting(c -> c.operation() + " " + c.key() + " " + c.row()).containsExactly(
                        "INSERT {id=1} {id=1, item=apple, qty=3}",
                        "INSERT {id=2} {id=2, item=pear, qty=4}",
                        "UPDATE {id=2} {id=2, item=quince, qty=4}");
            }
        }
    }

    @Test
    void aFailedRouteLeavesTheBatchOpenAndItComesAgainWholeThenNeverAgain() throws Exception {
        TestDb db = PG.db();
        List<Exchange> received = new CopyOnWriteArrayList<>();
        AtomicBoolean failing = new AtomicBoolean(true);
        String uri = "londiste:changes?queue=shop&consumer=retrying&dataSource=#node&loopDelay=200ms"
                     + "&exceptionSleep=300ms";
        try (Sql s = db.open(); LondisteNodes nodes = new LondisteNodes()) {
            s.exec("create table public.orders (id int primary key, item text)");
            root(db, s, null, "orders");
            nodes.ticker(db);
            try (CamelContext camel = camel(db, uri, received, failing)) {
                s.exec("insert into orders values (1, 'a'), (2, 'b'), (3, 'c')");
                // order 1 goes through, order 2 fails: the same batch is tried again, and again
                await().atMost(WAIT).until(() -> received.size() >= 2);
                assertThat(ids(received)).containsOnly("1");
                long failingTick = received.get(0).getMessage().getHeader(LondisteConstants.TICK_ID, Long.class);
                assertThat(received.get(1).getMessage().getHeader(LondisteConstants.TICK_ID, Long.class))
                        .isEqualTo(failingTick);
                assertThat(completedTick(s, "retrying")).isLessThan(failingTick);
                assertThat(s.longValue("select count(*) from pgq.get_consumer_info('shop', 'retrying')"
                                       + " where current_batch is not null")).isEqualTo(1);
                failing.set(false);
                await().atMost(WAIT).until(() -> ids(received).contains("3"));
                List<String> ids = ids(received);
                // the successful pass holds each row once, in order
                assertThat(ids.subList(ids.lastIndexOf("1"), ids.size())).containsExactly("1", "2", "3");
                await().atMost(WAIT).until(() -> completedTick(s, "retrying") >= failingTick);
                s.exec("insert into orders values (4, 'd')");
                await().atMost(WAIT).until(() -> ids(received).contains("4"));
            }
            // a new run starts after what was done: nothing comes twice
            List<Exchange> again = new CopyOnWriteArrayList<>();
            try (CamelContext camel = camel(db, uri, again, null)) {
                s.exec("insert into orders values (5, 'e')");
                await().atMost(WAIT).until(() -> ids(again).contains("5"));
                assertThat(ids(again)).containsExactly("5");
            }
        }
    }

    @Test
    void aBatchRecordedButNotFinishedIsFinishedWithoutBeingSentAgain() throws Exception {
        TestDb db = PG.db();
        List<Exchange> received = new CopyOnWriteArrayList<>();
        String uri = "londiste:changes?queue=shop&consumer=crashy&dataSource=#node&loopDelay=200ms";
        try (Sql s = db.open(); LondisteNodes nodes = new LondisteNodes()) {
            s.exec("create table public.orders (id int primary key, item text)");
            root(db, s, null, "orders");
            nodes.ticker(db);
            camel(db, uri, received, null).close();
            s.exec("insert into orders values (1, 'a'), (2, 'b')");
            // what a crash leaves between the two commits: the batch holding the rows is recorded
            // in pgq_node (the route had taken it) but still open in pgq
            AtomicBoolean recorded = new AtomicBoolean();
            await().atMost(WAIT).until(() -> {
                Long batch = (Long) s.value("select pgq.next_batch('shop', 'crashy')");
                if (batch == null) {
                    return false;
                }
                long tick = s.longValue("select tick_id from pgq.get_batch_info(?)", batch);
                s.exec("select * from pgq_node.set_consumer_completed('shop', 'crashy', ?)", tick);
                // the batch of the rows, not one holding only the node's own events written by the set-up
                if (s.longValue("select count(*) from pgq.get_batch_events(?) where ev_extra1 = 'public.orders'",
                        batch) == 0) {
                    s.exec("select pgq.finish_batch(?)", batch);
                    return false;
                }
                recorded.set(true);
                return true;
            });
            assertThat(recorded).isTrue();
            try (CamelContext camel = camel(db, uri, received, null)) {
                s.exec("insert into orders values (3, 'c')");
                await().atMost(WAIT).until(() -> ids(received).contains("3"));
                assertThat(ids(received)).containsExactly("3");
                // and the two positions agree again once the batch in hand is done
                await().atMost(WAIT).until(() -> s.longValue("select count(*) from pgq.get_consumer_info('shop', 'crashy')"
                                                             + " where last_tick = (select last_tick_id"
                                                             + " from pgq_node.local_state where consumer_name = 'crashy')")
                                                 == 1);
            }
        }
    }

    @Test
    void aLondiste3IniFileGivesTheDatabaseAndTheQueue(@TempDir Path dir) throws Exception {
        TestDb db = PG.db();
        List<Exchange> received = new CopyOnWriteArrayList<>();
        Path ini = dir.resolve("root.ini");
        Files.writeString(ini, "[londiste]\njob_name = shop_root\ndb = " + location(db)
                               + "\nqueue_name = shop\nloop_delay = 0.2\nlogfile = ~/log/root.log\n");
        try (Sql s = db.open(); LondisteNodes nodes = new LondisteNodes()) {
            s.exec("create table public.orders (id int primary key, item text)");
            root(db, s, null, "orders");
            nodes.ticker(db);
            try (CamelContext camel = camel(db, "londiste:changes?consumer=from_ini&config=RAW(" + ini + ")", received,
                    null)) {
                s.exec("insert into orders values (1, 'kiwi')");
                await().atMost(WAIT).until(() -> !received.isEmpty());
                assertThat(received.get(0).getMessage().getBody(Map.class)).containsEntry("item", "kiwi");
                assertThat(s.longValue("select count(*) from pgq_node.local_state where consumer_name = 'from_ini'"))
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void badOptionsAndNonNodesAreRefusedWithTheReason() throws Exception {
        TestDb db = PG.db();
        List<Exchange> received = Collections.synchronizedList(new ArrayList<>());
        assertThatThrownBy(() -> camel(db, "londiste:changes?queue=shop&dataSource=#node", received, null))
                .hasStackTraceContaining("set consumer");
        assertThatThrownBy(() -> camel(db, "londiste:changes?consumer=c&dataSource=#node", received, null))
                .hasStackTraceContaining("set queue");
        assertThatThrownBy(() -> camel(db, "londiste:changes?queue=shop&consumer=c&dataSource=#node", received, null))
                .hasStackTraceContaining("no node of queue shop");
    }

    private static List<String> ids(List<Exchange> exchanges) {
        List<String> out = new ArrayList<>();
        for (Exchange e : exchanges) {
            out.add(String.valueOf(e.getMessage().getHeader(LondisteConstants.KEY, Map.class).get("id")));
        }
        return out;
    }
}
