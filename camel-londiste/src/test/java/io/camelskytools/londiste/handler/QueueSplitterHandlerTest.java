package io.camelskytools.londiste.handler;

import static io.camelskytools.londiste.handler.HandlerNodes.add;
import static io.camelskytools.londiste.handler.HandlerNodes.handler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code qsplitter(queue=Q)}: the leaf has no such table; the table's events land in another
 * queue of the leaf, as they were (type, data, table, time), in order, where a consumer reads them.
 */
class QueueSplitterHandlerTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @Test
    void eventsGoToTheOtherQueue() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "split_leaf");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            root.exec("create table public.orders (id int primary key, item text)");
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            leaf.exec("select pgq.create_queue('orders_out')");
            leaf.exec("select pgq.register_consumer('orders_out', 'reader')");
            add(root, "orders", AddTableOptions.DEFAULTS);

            TableSetup tables = new TableSetup(HandlerNodes.Q);
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("orders"), false,
                    handler("qsplitter"))).hasMessageContaining("specify queue with handler-arg");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("orders"), false,
                    handler("qsplitter", "queue=orders_out", "dest=x")))
                    .hasMessageContaining("Invalid handler argument: [dest]");
            add(leaf, "orders", handler("qsplitter", "queue=orders_out"));
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, HandlerNodes.Q);
            HandlerNodes.awaitInSync(leaf, worker);

            root.exec("insert into orders values (1, 'apple'), (2, 'pear')");
            root.exec("update orders set item = 'plum' where id = 2");
            root.exec("delete from orders where id = 1");
            List<Map<String, Object>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(worker.lastFailure()).isNull();
                leaf.exec("select pgq.ticker('orders_out')");
                Object batch = leaf.value("select pgq.next_batch('orders_out', 'reader')");
                if (batch != null) {
                    seen.addAll(leaf.rows("select ev_type, ev_data, ev_extra1, ev_time is not null as timed"
                                          + " from pgq.get_batch_events(?) order by ev_id", batch));
                    leaf.exec("select pgq.finish_batch(?)", batch);
                }
                assertThat(seen).hasSize(4);
            });
            assertThat(seen).extracting(r -> r.get("ev_type") + " " + r.get("ev_data"))
                    .containsExactly("I:id id=1&item=apple", "I:id id=2&item=pear", "U:id id=2&item=plum",
                            "D:id id=1&item=apple");
            assertThat(seen).allSatisfy(r -> {
                assertThat(r.get("ev_extra1")).isEqualTo("public.orders");
                assertThat(r.get("timed")).isEqualTo(true);
            });
            assertThat(leaf.value("select to_regclass('public.orders')")).isNull();
        }
    }

    @Test
    void aBatchThatFailedForwardsItsEventsOnceWhenItComesAgain() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "split_retry");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            root.exec("create table public.orders (id int primary key, item text);"
                      + "create table public.c (id int primary key, v text)");
            leaf.exec("create table public.c (id int primary key, v text constraint no_bad check (v not like 'bad%'))");
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            leaf.exec("select pgq.create_queue('orders_out')");
            leaf.exec("select pgq.register_consumer('orders_out', 'reader')");
            add(root, "orders", AddTableOptions.DEFAULTS);
            add(root, "c", AddTableOptions.DEFAULTS);
            add(leaf, "orders", handler("qsplitter", "queue=orders_out"));
            add(leaf, "c", AddTableOptions.DEFAULTS);
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, HandlerNodes.Q);
            HandlerNodes.awaitInSync(leaf, worker);

            // the orders' events are kept for the batch's end when c's row fails in the middle of it
            root.begin();
            root.exec("insert into orders select i, 'item ' || i from generate_series(1, 5) i");
            root.exec("insert into c values (1, 'bad')");
            root.exec("update c set v = 'bad again' where id = 1");
            root.commit();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> HandlerNodes.failureMentions(worker, "no_bad"));
            leaf.exec("alter table c drop constraint no_bad");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(worker.lastFailure()).isNull();
                assertThat(leaf.value("select v from c")).isEqualTo("bad again");
            });
            List<Object> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                leaf.exec("select pgq.ticker('orders_out')");
                Object batch = leaf.value("select pgq.next_batch('orders_out', 'reader')");
                if (batch != null) {
                    seen.addAll(leaf.column("select ev_data from pgq.get_batch_events(?) order by ev_id", batch));
                    leaf.exec("select pgq.finish_batch(?)", batch);
                }
                assertThat(seen).hasSizeGreaterThanOrEqualTo(5);
            });
            // one more empty round: nothing else arrives
            leaf.exec("select pgq.ticker('orders_out')");
            Object batch = leaf.value("select pgq.next_batch('orders_out', 'reader')");
            if (batch != null) {
                seen.addAll(leaf.column("select ev_data from pgq.get_batch_events(?) order by ev_id", batch));
            }
            assertThat(seen).containsExactly("id=1&item=item+1", "id=2&item=item+2", "id=3&item=item+3",
                    "id=4&item=item+4", "id=5&item=item+5");
        }
    }
}
