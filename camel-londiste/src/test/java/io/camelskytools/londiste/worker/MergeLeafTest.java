package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.admin.TableSetup.Outcome;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two partition roots (queues part1 and part2, each on its own server) feed one combined
 * database through a merge-leaf each; the combined queue's root there carries the rows on
 * to a leaf on another database. Rows written on both partitions reach the combined table
 * and the leaf, the combined queue holds a pgq.tick-id event per partition batch, and a
 * table added to both partitions while they write is copied lead first, then the follower.
 */
class MergeLeafTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    static final String COMBINED = "combined";
    static final String DDL = "create table public.%s (id int primary key, part int not null, v text)";

    @Test
    void twoPartitionsMergeIntoTheCombinedQueue() throws Exception {
        TestDb p1Db = PG.db(0);
        TestDb p2Db = PG.db(1);
        TestDb combDb = PG.db(2);
        TestDb leafDb = PG.newDb(0, "cleaf");
        try (Sql p1 = p1Db.open(); Sql p2 = p2Db.open(); Sql comb = combDb.open(); Sql leaf = leafDb.open();
             LondisteNodes nodes = new LondisteNodes()) {
            for (Sql s : List.of(p1, p2, comb, leaf)) {
                s.exec(DDL.formatted("orders"));
                s.exec(DDL.formatted("items"));
            }
            new NodeSetup("part1", "w_part1").createRoot(p1.connection(), "p1root", location(p1Db));
            new NodeSetup("part2", "w_part2").createRoot(p2.connection(), "p2root", location(p2Db));
            new NodeSetup(COMBINED, "w_comb").createRoot(comb.connection(), "croot", location(combDb));
            new NodeSetup("part1", "w_merge1").createSubscriber(comb.connection(), "leaf", "p1merge",
                    location(combDb), location(p1Db), COMBINED, null);
            new NodeSetup("part2", "w_merge2").createSubscriber(comb.connection(), "leaf", "p2merge",
                    location(combDb), location(p2Db), COMBINED, null);
            new NodeSetup(COMBINED, "w_cleaf").createSubscriber(leaf.connection(), "leaf", "cleaf", location(leafDb),
                    location(combDb));
            assertThat(comb.value("select combined_queue from pgq_node.get_node_info('part1')")).isEqualTo(COMBINED);
            assertThat(comb.value("select combined_type from pgq_node.get_node_info('part2')")).isEqualTo("root");

            nodes.ticker(p1Db);
            nodes.ticker(p2Db);
            nodes.ticker(combDb);
            List<WorkerLoop> workers = new ArrayList<>();
            workers.add(nodes.worker(combDb, "part1"));
            workers.add(nodes.worker(combDb, "part2"));
            workers.add(nodes.worker(combDb, COMBINED));
            workers.add(nodes.worker(leafDb, COMBINED));

            // orders: empty everywhere, in sync from the start
            added(new TableSetup("part1").addTables(p1.connection(), List.of("orders"), false, AddTableOptions.DEFAULTS));
            added(new TableSetup("part2").addTables(p2.connection(), List.of("orders"), false, AddTableOptions.DEFAULTS));
            awaitOnBothParts(comb, "public.orders");
            AddTableOptions inSync = new AddTableOptions(true, false, false, null, List.of(), null, List.of(), null,
                    null, null, null);
            // one add on a merge-leaf takes the table from both partitions and onto the combined root
            added(new TableSetup("part1").addTables(comb.connection(), List.of("orders"), false,
                    inSync.withMerge(true, false)));
            assertThat(comb.column("select queue_name from londiste.table_info where table_name = 'public.orders'"
                                   + " and local and merge_state = 'ok' order by 1"))
                    .containsExactly(COMBINED, "part1", "part2");
            added(new TableSetup(COMBINED).addTables(leaf.connection(), List.of("orders"), false,
                    AddTableOptions.DEFAULTS));

            for (int i = 1; i <= 200; i++) {
                p1.exec("insert into orders values (?, 1, ?)", i, "a" + i);
                p2.exec("insert into orders values (?, 2, ?)", 100_000 + i, "b" + i);
            }
            p1.exec("update orders set v = v || '!' where id % 7 = 0");
            p2.exec("delete from orders where id % 5 = 0");
            awaitMerged(p1, p2, comb, leaf, "orders", workers);

            // the combined queue: the partitions' changes with fresh ids, and the hand-over ticks
            String events = "select ev_type, ev_data from " + eventTable(comb, COMBINED) + " where ev_extra1 = ?"
                            + " order by ev_data";
            List<Map<String, Object>> fromParts = new ArrayList<>(p1.rows(events.replace(eventTable(comb, COMBINED),
                    eventTable(p1, "part1")), "public.orders"));
            fromParts.addAll(p2.rows(events.replace(eventTable(comb, COMBINED), eventTable(p2, "part2")),
                    "public.orders"));
            assertThat(comb.rows(events, "public.orders")).containsExactlyInAnyOrderElementsOf(fromParts);
            for (String part : List.of("part1", "part2")) {
                // the last tick-id event names the tick the merge-leaf stands at (one snapshot: both or neither)
                assertThat(comb.value("select (select max(ev_data::bigint) from " + eventTable(comb, COMBINED)
                                      + " where ev_type = 'pgq.tick-id' and ev_extra1 = ?) = (select last_tick_id"
                                      + " from pgq_node.local_state where queue_name = ?)", part, part))
                        .as("last pgq.tick-id of " + part).isEqualTo(true);
            }

            // items: rows on both partitions before, written to while the table is added
            p1.exec("insert into items select i, 1, 'a' || i from generate_series(1, 3000) i");
            // (the partitions' id ranges stay apart however long the writers below run)
            p2.exec("insert into items select i, 2, 'b' || i from generate_series(1000001, 1003000) i");
            comb.exec("insert into items values (-1, 0, 'stale: the lead partition truncates it')");
            AtomicBoolean writing = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> writers = List.of(pool.submit(() -> write(p1Db, 1, 5000, writing)),
                    pool.submit(() -> write(p2Db, 2, 1_005_000, writing)));
            added(new TableSetup("part1").addTables(p1.connection(), List.of("items"), false, AddTableOptions.DEFAULTS));
            added(new TableSetup("part2").addTables(p2.connection(), List.of("items"), false, AddTableOptions.DEFAULTS));
            awaitOnBothParts(comb, "public.items");
            // two partitions feed it: a merge-leaf wants --merge-all (or --no-merge)
            assertThat(new TableSetup("part2").addTables(comb.connection(), List.of("items"), false,
                    AddTableOptions.DEFAULTS).get(0).note()).contains("merge-all");
            added(new TableSetup("part2").addTables(comb.connection(), List.of("items"), false,
                    AddTableOptions.DEFAULTS.withMerge(true, false)));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(comb.column("select merge_state from londiste.table_info"
                                           + " where table_name = 'public.items' order by queue_name"))
                            .containsExactly("ok", "ok", "ok"));
            added(new TableSetup(COMBINED).addTables(leaf.connection(), List.of("items"), false,
                    AddTableOptions.DEFAULTS));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> "ok".equals(
                    leaf.value("select merge_state from londiste.table_info where table_name = 'public.items'")));
            writing.set(false);
            for (Future<?> w : writers) {
                w.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            awaitMerged(p1, p2, comb, leaf, "items", workers);
            assertThat(comb.value("select count(*) from items where id = -1")).isEqualTo(0L);

            // a second combined database as a branch of the combined queue, with merge-leaves of
            // its own that wait behind it: the branch replays the pgq.tick-id events and moves them
            TestDb comb2Db = PG.newDb(1, "comb2");
            try (Sql comb2 = comb2Db.open()) {
                comb2.exec(DDL.formatted("orders"));
                new NodeSetup(COMBINED, "w_cbranch").createSubscriber(comb2.connection(), "branch", "cbranch",
                        location(comb2Db), location(combDb));
                new NodeSetup("part1", "w_merge1b").createSubscriber(comb2.connection(), "leaf", "p1merge2",
                        location(comb2Db), location(p1Db), COMBINED, null);
                new NodeSetup("part2", "w_merge2b").createSubscriber(comb2.connection(), "leaf", "p2merge2",
                        location(comb2Db), location(p2Db), COMBINED, null);
                assertThat(comb2.value("select combined_type from pgq_node.get_node_info('part1')")).isEqualTo("branch");
                added(new TableSetup(COMBINED).addTables(comb2.connection(), List.of("orders"), false,
                        AddTableOptions.DEFAULTS));
                added(new TableSetup("part1").addTables(comb2.connection(), List.of("orders"), false,
                        AddTableOptions.DEFAULTS.withMerge(true, false)));
                workers.add(nodes.worker(comb2Db, COMBINED));
                workers.add(nodes.worker(comb2Db, "part1"));
                workers.add(nodes.worker(comb2Db, "part2"));
                for (int i = 201; i <= 300; i++) {
                    p1.exec("insert into orders values (?, 1, ?)", i, "a" + i);
                    p2.exec("insert into orders values (?, 2, ?)", 100_000 + i, "b" + i);
                }
                awaitMerged(p1, p2, comb, comb2, "orders", workers);
                for (String part : List.of("part1", "part2")) {
                    long target = comb.longValue("select last_tick_id from pgq_node.local_state where queue_name = ?",
                            part);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        assertThat(comb2.longValue("select last_tick_id from pgq_node.local_state"
                                                   + " where queue_name = ?", part))
                                .as("position of the waiting merge-leaf of " + part).isGreaterThanOrEqualTo(target);
                        for (WorkerLoop w : workers) {
                            assertThat(w.lastFailure()).isNull();
                        }
                    });
                }
                // it waits behind: nothing of the partitions reaches the branch's queue but through the combined root
                assertThat(comb2.longValue("select count(*) from " + eventTable(comb2, COMBINED)
                                           + " where ev_type = 'pgq.tick-id'")).isPositive();
            }
        }
    }

    /** Waits until the merge-leaves of both partitions know the table (their workers read it from the queue). */
    private static void awaitOnBothParts(Sql comb, String table) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> comb.longValue(
                "select count(*) from londiste.table_info where table_name = ? and queue_name in ('part1', 'part2')",
                table) == 2);
    }

    /** Inserts and updates rows of one partition until told to stop. */
    private static Void write(TestDb db, int part, int firstId, AtomicBoolean writing)
            throws SQLException, InterruptedException {
        try (Sql s = db.open()) {
            for (int id = firstId; writing.get(); id++) {
                s.exec("insert into items values (?, ?, 'w')", id, part);
                s.exec("update items set v = v || '+' where id = ?", id - firstId + (part == 1 ? 1 : 1_000_001));
                // paced (at most some 400 rows a second): a writer as fast as the root's triggers
                // allow outruns a test machine's whole cascade, and the leaf would never catch up
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
        return null;
    }

    /** Waits until the combined table holds both partitions' rows and the combined leaf the same. */
    private static void awaitMerged(Sql p1, Sql p2, Sql comb, Sql leaf, String table, List<WorkerLoop> workers) {
        String rows = "select id, part, v from " + table + " order by id";
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (WorkerLoop w : workers) {
                assertThat(w.lastFailure()).isNull();
            }
            List<Map<String, Object>> expected = new ArrayList<>(p1.rows(rows));
            expected.addAll(p2.rows(rows));
            assertThat(comb.rows(rows)).isEqualTo(expected);
            assertThat(leaf.rows(rows)).isEqualTo(expected);
        });
    }

    private static void added(List<Outcome> outcomes) {
        assertThat(outcomes).isNotEmpty().allSatisfy(o -> assertThat(o.ok()).as(o.note()).isTrue());
    }

    /** The queue's parent event table (its rows are every live event of the queue). */
    private static String eventTable(Sql s, String queue) throws SQLException {
        return (String) s.value("select queue_data_pfx from pgq.queue where queue_name = ?", queue);
    }
}
