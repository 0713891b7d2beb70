package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The global watermark on root -> branch -> leaf over three real servers, with queue rotation
 * forced (no rotation period, pgq's maintenance steps run over and over): while the leaf is
 * paused, neither the branch it reads from nor the root (which it could move to) rotates away
 * its tick or the events after it; the leaf catches up with every row once resumed, and then
 * the watermarks move on and rotation drops what no node needs any more.
 */
class GlobalWatermarkTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    static final String Q = "gwq";
    static final Duration PERIOD = Duration.ofMillis(200);

    @Test
    void noNodeRotatesAwayWhatAPausedLeafStillNeeds() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb branchDb = PG.db(1);
        TestDb leafDb = PG.db(2);
        try (Sql root = rootDb.open(); Sql branch = branchDb.open(); Sql leaf = leafDb.open();
             LondisteNodes nodes = new LondisteNodes()) {
            for (Sql s : List.of(root, branch, leaf)) {
                s.exec("create table public.acc (id int primary key, v text)");
            }
            root.exec("insert into acc select i, 'r' || i from generate_series(1, 100) i");
            new NodeSetup(Q, "w_root").createRoot(root.connection(), "root", location(rootDb));
            // a tick as soon as there are events (the root worker's watermark events among them)
            root.exec("select pgq.set_queue_config(?, 'ticker_max_lag', '100 ms')", Q);
            new NodeSetup(Q, "w_branch").createSubscriber(branch.connection(), "branch", "branch",
                    location(branchDb), location(rootDb));
            new NodeSetup(Q, "w_leaf").createSubscriber(leaf.connection(), "leaf", "leaf", location(leafDb),
                    location(branchDb));
            for (Sql s : List.of(root, branch, leaf)) {
                new TableSetup(Q).addTables(s.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            }
            nodes.ticker(rootDb);
            worker(nodes, rootDb);
            worker(nodes, branchDb);
            WorkerLoop leafWorker = worker(nodes, leafDb);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(leaf.value("select merge_state from londiste.table_info")).isEqualTo("ok");
                assertThat(contents(leaf, "acc")).isEqualTo(contents(root, "acc"));
            });
            for (Sql s : List.of(root, branch)) {
                s.exec("select pgq.set_queue_config(?, 'rotation_period', '0')", Q);
            }

            leaf.exec("select * from pgq_node.set_consumer_paused(?, 'w_leaf', true)", Q);
            await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(
                    leaf.value("select uptodate from pgq_node.get_consumer_state(?, 'w_leaf')", Q)));
            long leafTick = leaf.longValue("select completed_tick from pgq_node.get_consumer_state(?, 'w_leaf')", Q);
            String switchedBefore = switchTime(root);
            for (int i = 1; i <= 200; i++) {
                root.exec("insert into acc values (?, 'paused')", 10_000 + i);
                if (i % 20 == 0) {
                    maintain(root);
                    maintain(branch);
                    // the inserts spread over ticks: each 20 wait for the root's next one
                    long tick = lastTick(root);
                    await().atMost(Duration.ofSeconds(30)).until(() -> lastTick(root) > tick);
                }
            }
            // the cascade went on past the leaf (the branch applied everything, the root ticked on)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                maintain(root);
                maintain(branch);
                assertThat(contents(branch, "acc")).isEqualTo(contents(root, "acc"));
            });
            // ten watermark periods of maintenance: the watermarks stay at the paused leaf's tick all along
            await().during(PERIOD.multipliedBy(10)).atMost(PERIOD.multipliedBy(30)).pollInterval(PERIOD).until(() -> {
                maintain(root);
                maintain(branch);
                return globalWatermark(root) <= leafTick && globalWatermark(branch) <= leafTick;
            });
            for (Sql s : List.of(root, branch)) {
                assertThat(s.longValue("select global_watermark from pgq_node.get_node_info(?)", Q))
                        .as("global watermark").isLessThanOrEqualTo(leafTick);
                assertThat(s.longValue("select count(*) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                                       + " where q.queue_name = ? and t.tick_id = ?", Q, leafTick))
                        .as("the leaf's tick").isEqualTo(1);
                assertThat(pausedInserts(s)).as("events the leaf needs").isEqualTo(200);
            }
            assertThat(switchTime(root)).as("the root rotated its queue while the leaf was paused")
                    .isNotEqualTo(switchedBefore);
            assertThat(leaf.longValue("select count(*) from acc where id > 10000")).isZero();

            leaf.exec("select * from pgq_node.set_consumer_paused(?, 'w_leaf', false)", Q);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(contents(leaf, "acc")).isEqualTo(contents(root, "acc"));
                assertThat(leafWorker.lastFailure()).isNull();
            });
            assertThat(leaf.longValue("select count(*) from acc where id > 10000")).isEqualTo(200);

            // caught up: the watermarks pass the old tick and rotation drops the old events everywhere
            await().atMost(Duration.ofSeconds(90)).pollInterval(PERIOD).untilAsserted(() -> {
                maintain(root);
                maintain(branch);
                for (Sql s : List.of(root, branch)) {
                    assertThat(s.longValue("select global_watermark from pgq_node.get_node_info(?)", Q))
                            .isGreaterThan(leafTick);
                    assertThat(s.longValue("select min(t.tick_id) from pgq.tick t join pgq.queue q"
                                           + " on q.queue_id = t.tick_queue where q.queue_name = ?", Q))
                            .isGreaterThan(leafTick);
                    assertThat(pausedInserts(s)).isZero();
                }
            });
        }
    }

    private static WorkerLoop worker(LondisteNodes nodes, TestDb db) {
        return nodes.worker(db, WorkerSettings.defaults(Q, db.jdbcUrl()).withLoopDelay(Duration.ofMillis(50))
                .withWatermarkPeriods(PERIOD, PERIOD));
    }

    /** What pgqd's maintenance does for rotation: step 1 (switch and truncate) and step 2, each its own transaction. */
    private static void maintain(Sql s) throws Exception {
        s.exec("select pgq.maint_rotate_tables_step1(?)", Q);
        s.exec("select pgq.maint_rotate_tables_step2()");
    }

    /** When the queue last switched its event table (rotation step 1). */
    private static long lastTick(Sql s) throws Exception {
        return s.longValue("select last_tick_id from pgq.get_queue_info(?)", Q);
    }

    private static long globalWatermark(Sql s) throws Exception {
        return s.longValue("select global_watermark from pgq_node.get_node_info(?)", Q);
    }

    private static String switchTime(Sql s) throws Exception {
        return String.valueOf(s.value("select queue_switch_time from pgq.queue where queue_name = ?", Q));
    }

    /** The inserts made while the leaf was paused that the queue still holds. */
    private static long pausedInserts(Sql s) throws Exception {
        String events = (String) s.value("select queue_data_pfx from pgq.queue where queue_name = ?", Q);
        return s.longValue("select count(*) from " + events + " where ev_type like 'I%'"
                           + " and split_part(split_part(ev_data, '&', 1), '=', 2)::int > 10000");
    }
}
