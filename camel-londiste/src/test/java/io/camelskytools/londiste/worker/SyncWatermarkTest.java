package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
 * {@code create-branch --sync-watermark} on real servers: two branches of one root, each
 * syncing its watermark with the other, and a leaf under the second that is paused. The
 * branches report only where they read, so the root's global watermark moves on past the
 * paused leaf; the first branch's global watermark stays where the second one's subtree
 * stands (its queue keeps what that subtree needs) and moves on once the leaf has caught up.
 */
class SyncWatermarkTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    static final String Q = "swq";
    static final Duration PERIOD = Duration.ofMillis(200);

    @Test
    void aBranchWatermarkFollowsTheNodesItSyncsWith() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb aDb = PG.db(1);
        TestDb bDb = PG.db(2);
        TestDb leafDb = PG.newDb(1, "leafb");
        try (Sql root = rootDb.open(); Sql a = aDb.open(); Sql b = bDb.open(); Sql leaf = leafDb.open();
             LondisteNodes nodes = new LondisteNodes()) {
            for (Sql s : List.of(root, a, b, leaf)) {
                s.exec("create table public.acc (id int primary key, v text)");
            }
            root.exec("insert into acc select i, 'r' || i from generate_series(1, 50) i");
            new NodeSetup(Q, "w_root").createRoot(root.connection(), "root", location(rootDb));
            // a tick as soon as there are events (the root worker's watermark events among them)
            root.exec("select pgq.set_queue_config(?, 'ticker_max_lag', '100 ms')", Q);
            assertThatThrownBy(() -> new NodeSetup(Q, "w_x").createSubscriber(leaf.connection(), "leaf", "x",
                    location(leafDb), location(rootDb), null, List.of("a")))
                    .hasMessage("--sync-watermark can be used only for branch nodes");
            new NodeSetup(Q, "w_a").createSubscriber(a.connection(), "branch", "a", location(aDb), location(rootDb),
                    null, List.of("b"));
            new NodeSetup(Q, "w_b").createSubscriber(b.connection(), "branch", "b", location(bDb), location(rootDb),
                    null, List.of("a"));
            new NodeSetup(Q, "w_leafb").createSubscriber(leaf.connection(), "leaf", "leafb", location(leafDb),
                    location(bDb));
            // the node attribute as londiste3 writes it (pgq_node.set_node_attrs, urlencoded)
            assertThat(a.value("select node_attrs from pgq_node.get_node_info(?)", Q)).isEqualTo("sync_watermark=b");
            for (Sql s : List.of(root, a, b, leaf)) {
                new TableSetup(Q).addTables(s.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            }
            nodes.ticker(rootDb);
            for (TestDb db : List.of(rootDb, aDb, bDb, leafDb)) {
                nodes.worker(db, WorkerSettings.defaults(Q, db.jdbcUrl()).withLoopDelay(Duration.ofMillis(50))
                        .withWatermarkPeriods(PERIOD, PERIOD));
            }
            long aFirst = a.longValue("select global_watermark from pgq_node.get_node_info(?)", Q);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(contents(leaf, "acc")).isEqualTo(contents(root, "acc"));
                assertThat(contents(a, "acc")).isEqualTo(contents(root, "acc"));
                assertThat(a.longValue("select global_watermark from pgq_node.get_node_info(?)", Q))
                        .as("a's global watermark moves").isGreaterThan(aFirst);
            });

            leaf.exec("select * from pgq_node.set_consumer_paused(?, 'w_leafb', true)", Q);
            await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(
                    leaf.value("select uptodate from pgq_node.get_consumer_state(?, 'w_leafb')", Q)));
            long leafTick = leaf.longValue("select completed_tick from pgq_node.get_consumer_state(?, 'w_leafb')", Q);
            for (int i = 1; i <= 50; i++) {
                root.exec("insert into acc values (?, 'later')", 1000 + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> root.longValue("select tick_id from pgq.tick"
                    + " order by tick_id desc limit 1") > leafTick + 2);
            // the root is not held back by b's paused leaf: b reports where it reads
            await().atMost(Duration.ofSeconds(60)).pollInterval(PERIOD).untilAsserted(() -> {
                assertThat(contents(a, "acc")).isEqualTo(contents(root, "acc"));
                assertThat(root.longValue("select global_watermark from pgq_node.get_node_info(?)", Q))
                        .isGreaterThan(leafTick);
                assertThat(b.longValue("select local_watermark from pgq_node.get_node_info(?)", Q))
                        .isLessThanOrEqualTo(leafTick);
            });
            // two more rounds of a's: it reports upstream, then syncs its global watermark with b's
            for (int round = 0; round < 2; round++) {
                long reported = aReported(root);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> aReported(root) > reported);
                root.exec("insert into acc values (?, 'more')", 2000 + round);
            }
            assertThat(a.longValue("select global_watermark from pgq_node.get_node_info(?)", Q))
                    .isLessThanOrEqualTo(leafTick);
            assertThat(a.longValue("select count(*) from pgq.tick where tick_id = ?", leafTick)).isEqualTo(1);

            leaf.exec("select * from pgq_node.set_consumer_paused(?, 'w_leafb', false)", Q);
            await().atMost(Duration.ofSeconds(60)).pollInterval(PERIOD).untilAsserted(() -> {
                assertThat(contents(leaf, "acc")).isEqualTo(contents(root, "acc"));
                assertThat(a.longValue("select global_watermark from pgq_node.get_node_info(?)", Q))
                        .isGreaterThan(leafTick);
                assertThat(b.longValue("select global_watermark from pgq_node.get_node_info(?)", Q))
                        .isGreaterThan(leafTick);
            });
        }
    }

    /** The watermark node a last reported to the root. */
    private static long aReported(Sql root) throws Exception {
        return root.longValue("select last_tick from pgq.get_consumer_info(?, '.a.watermark')", Q);
    }
}
