package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cascade over three real servers: root on the first, a branch reading from it on the
 * second, a leaf reading from the branch on the third. The admin steps are python-pgq's
 * CascadeAdmin's; the workers are {@link NodeTestWorker}, which find their provider
 * through the locations pgq_node keeps.
 */
class PgqNodeCascadeTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withPgqNode();

    /** A queue name that needs quoting anywhere it would be spliced into SQL. */
    static final String Q = "Orders \"EU\" q'1";

    @Test
    void eventsTicksAndMembersFlowFromRootThroughBranchToLeaf() throws Exception {
        try (Sql root = PG.db(0).open(); Sql branch = PG.db(1).open(); Sql leaf = PG.db(2).open();
             NodeTestWorker branchWorker = new NodeTestWorker(branch, Q);
             NodeTestWorker leafWorker = new NodeTestWorker(leaf, Q)) {
            buildCascade(root, branch, leaf);
            leaf.exec("create table applied (ev_id bigint primary key, ev_data text)");

            for (int i = 1; i <= 5; i++) {
                root.exec("select pgq.insert_event(?, 'order', ?, 'x1', 'x2', null, 'x4')", Q, "o" + i);
            }
            long t1 = tick(root, Q);
            root.exec("select pgq.insert_event(?, 'order', 'o6')", Q);
            long t2 = tick(root, Q);

            branchWorker.catchUp(t2);
            // the branch holds the very same events, ids and ticks as the root
            assertThat(queueEvents(branch, Q)).isEqualTo(queueEvents(root, Q));
            // (tick 1 is each queue's own first tick, made when it was created)
            assertThat(ticksAfter(branch, 1)).extracting(t -> t.get("tick_id")).containsExactly(t1, t2);
            assertThat(ticksAfter(branch, 1)).isEqualTo(ticksAfter(root, 1));

            leafWorker.catchUp(t2);
            assertThat(leaf.column("select ev_data from applied order by ev_id"))
                    .containsExactly("o1", "o2", "o3", "o4", "o5", "o6");
            // every node knows every member
            assertThat(leaf.rows("select node_name, node_location, dead from pgq_node.get_queue_locations(?)", Q))
                    .isEqualTo(root.rows("select node_name, node_location, dead from pgq_node.get_queue_locations(?)", Q));

            Map<String, Object> leafState = node(leaf, "get_worker_state", Q);
            assertThat(leafState).containsEntry("ret_code", 100).containsEntry("node_type", "leaf")
                    .containsEntry("completed_tick", t2).containsEntry("provider_node", "n2")
                    .containsEntry("provider_location", location(PG.db(1))).containsEntry("local_watermark", t2)
                    .containsEntry("uptodate", true);
            Map<String, Object> branchState = node(branch, "get_worker_state", Q);
            assertThat(branchState).containsEntry("node_type", "branch").containsEntry("completed_tick", t2)
                    .containsEntry("local_queue_top", t2).containsEntry("provider_location", location(PG.db(0)));
        }
    }

    @Test
    void watermarksGoUpToTheRootAndTheGlobalOneComesBackDown() throws Exception {
        try (Sql root = PG.db(0).open(); Sql branch = PG.db(1).open(); Sql leaf = PG.db(2).open();
             NodeTestWorker branchWorker = new NodeTestWorker(branch, Q);
             NodeTestWorker leafWorker = new NodeTestWorker(leaf, Q)) {
            buildCascade(root, branch, leaf);
            leaf.exec("create table applied (ev_id bigint primary key, ev_data text)");
            root.exec("select pgq.insert_event(?, 'order', 'a')", Q);
            long t1 = tick(root, Q);
            root.exec("select pgq.insert_event(?, 'order', 'b')", Q);
            long t2 = tick(root, Q);

            // the leaf lags at t1 while the branch is at t2
            branchWorker.catchUp(t2);
            leafWorker.catchUp(t1);
            assertThat(leafWorker.completedTick()).isEqualTo(t1);

            // leaf -> branch: .n3.watermark moves to the leaf's position
            assertThat(leafWorker.publishWatermark()).containsEntry("ret_code", 200)
                    .containsEntry("ret_note", ".n3.watermark set to " + t1);
            assertThat(branch.rows("select * from pgq_node.get_subscriber_info(?)", Q))
                    .containsExactly(Map.of("node_name", "n3", "worker_name", "n3_worker", "node_watermark", t1));
            // the branch's local watermark is the oldest position below it: the leaf's
            assertThat(node(branch, "get_node_info", Q)).containsEntry("local_watermark", t1);

            // branch -> root, then the root publishes the cascade-wide minimum
            branchWorker.publishWatermark();
            assertThat(root.rows("select * from pgq_node.get_subscriber_info(?)", Q))
                    .containsExactly(Map.of("node_name", "n2", "worker_name", "n2_worker", "node_watermark", t1));
            assertThat(node(root, "get_node_info", Q)).containsEntry("local_watermark", t1);
            expect(root, 200, "Global watermark set to " + t1, "set_global_watermark", Q, null);
            assertThat(consumerTick(root, Q, ".global_watermark")).isEqualTo(t1);
            // the root's worker moves along with it, so it does not look stale
            assertThat(node(root, "get_consumer_state", Q, "n1_worker")).containsEntry("completed_tick", t1);
            assertThat(root.rows("select ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4"
                    + " from pgq.event_template where ev_type = 'pgq.global-watermark'"))
                    .singleElement().satisfies(ev -> assertThat(ev).containsEntry("ev_data", Long.toString(t1))
                            .containsEntry("ev_extra1", Q).containsEntry("ev_extra2", null)
                            .containsEntry("ev_extra3", null).containsEntry("ev_extra4", null));
            long t3 = tick(root, Q);

            // down again: the branch applies the event it copies
            assertThat(node(branch, "get_node_info", Q).get("global_watermark")).isNotEqualTo(t1);
            branchWorker.catchUp(t3);
            assertThat(node(branch, "get_node_info", Q)).containsEntry("global_watermark", t1);
            assertThat(consumerTick(branch, Q, ".global_watermark")).isEqualTo(t1);
            // the leaf keeps no queue: nothing to move
            leafWorker.catchUp(t3);
            expect(leaf, 100, "Ignoring global watermark in leaf", "set_global_watermark", Q, t1);
            assertThat(node(leaf, "get_node_info", Q).get("global_watermark")).isNull();
        }
    }

    @Test
    void aDeadTagAndARemovedMemberReachEveryNode() throws Exception {
        try (Sql root = PG.db(0).open(); Sql branch = PG.db(1).open(); Sql leaf = PG.db(2).open();
             NodeTestWorker branchWorker = new NodeTestWorker(branch, Q);
             NodeTestWorker leafWorker = new NodeTestWorker(leaf, Q)) {
            buildCascade(root, branch, leaf);
            leaf.exec("create table applied (ev_id bigint primary key, ev_data text)");
            // a fourth member that never ran: announced, then tagged dead, then removed
            expect(root, 200, "Location registered", "register_location", Q, "n4", "host=nowhere dbname=x", false);
            expect(root, 200, "Location registered", "register_location", Q, "n4", null, true);
            long t1 = tick(root, Q);
            branchWorker.catchUp(t1);
            leafWorker.catchUp(t1);
            for (Sql s : List.of(root, branch, leaf)) {
                assertThat(s.row("select node_location, dead from pgq_node.get_queue_locations(?) where node_name = 'n4'", Q))
                        .containsEntry("node_location", "host=nowhere dbname=x").containsEntry("dead", true);
            }
            assertThat(root.rows("select ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3 from pgq.event_template"
                    + " where ev_data = 'n4' order by ev_id")).containsExactly(
                    row("pgq.location-info", "n4", Q, "host=nowhere dbname=x", "false"),
                    row("pgq.location-info", "n4", Q, null, "true"));

            expect(root, 200, "Ok", "unregister_location", Q, "n4");
            long t2 = tick(root, Q);
            branchWorker.catchUp(t2);
            leafWorker.catchUp(t2);
            for (Sql s : List.of(root, branch, leaf)) {
                assertThat(s.column("select node_name from pgq_node.get_queue_locations(?)", Q))
                        .containsExactly("n1", "n2", "n3");
            }
            // the branch's own provider and the leaf's cannot be removed there
            expect(branch, 403, "Cannot drop location of node's parent", "unregister_location", Q, "n1");
            expect(leaf, 403, "Cannot drop node's own location", "unregister_location", Q, "n3");
        }
    }

    @Test
    void aBatchAppliedBeforeACrashIsFinishedNotAppliedAgain() throws Exception {
        try (Sql root = PG.db(0).open(); Sql branch = PG.db(1).open(); Sql leaf = PG.db(2).open();
             NodeTestWorker branchWorker = new NodeTestWorker(branch, Q);
             NodeTestWorker leafWorker = new NodeTestWorker(leaf, Q)) {
            buildCascade(root, branch, leaf);
            leaf.exec("create table applied (ev_id bigint primary key, ev_data text)");
            root.exec("select pgq.insert_event(?, 'order', 'once')", Q);
            long t1 = tick(root, Q);

            // the branch commits the copy, then dies before its tick and before finish_batch
            branchWorker.crashAfterTargetCommit = true;
            assertThat(branchWorker.round()).isNull();
            assertThat(node(branch, "get_worker_state", Q)).containsEntry("completed_tick", t1);
            assertThat(lastTick(branch, Q)).isLessThan(t1);
            // the provider still hands out the same batch; the worker only makes the tick and finishes it
            assertThat(branchWorker.round()).isEqualTo(t1);
            assertThat(lastTick(branch, Q)).isEqualTo(t1);
            assertThat(queueEvents(branch, Q)).isEqualTo(queueEvents(root, Q));

            leafWorker.crashAfterTargetCommit = true;
            assertThat(leafWorker.round()).isNull();
            assertThat(leafWorker.round()).isEqualTo(t1);
            assertThat(leafWorker.round()).isNull();
            assertThat(leaf.column("select ev_data from applied")).containsExactly("once");
            assertThat(consumerTick(branch, Q, "n3_worker")).isEqualTo(t1);
        }
    }

    /** create-root n1, create-branch n2 (provider n1), create-leaf n3 (provider n2). */
    static void buildCascade(Sql root, Sql branch, Sql leaf) throws Exception {
        createRoot(root, Q, "n1", "n1_worker", location(PG.db(0)));
        createSubscriber(root, root, branch, Q, "branch", "n2", "n2_worker", location(PG.db(1)), "n1", null);
        createSubscriber(root, branch, leaf, Q, "leaf", "n3", "n3_worker", location(PG.db(2)), "n2", null);

        assertThat(node(root, "get_node_info", Q)).containsEntry("node_type", "root").containsEntry("node_name", "n1")
                .containsEntry("provider_node", "n1").containsEntry("worker_name", "n1_worker");
        assertThat(node(branch, "get_node_info", Q)).containsEntry("node_type", "branch")
                .containsEntry("provider_node", "n1").containsEntry("provider_location", location(PG.db(0)));
        assertThat(node(leaf, "get_node_info", Q)).containsEntry("node_type", "leaf")
                .containsEntry("provider_node", "n2").containsEntry("provider_location", location(PG.db(1)));
        // the branch's queue takes its ticks from the provider and no producers
        assertThat(branch.row("select queue_external_ticker, queue_disable_insert from pgq.queue where queue_name = ?", Q))
                .containsEntry("queue_external_ticker", true).containsEntry("queue_disable_insert", true);
        assertThat(branch.error("select pgq.insert_event(?, 'order', 'not here')", Q)).contains("Insert into queue disallowed");
        // each provider registered the subscriber's worker and its watermark consumer
        assertThat(root.column("select consumer_name from pgq.get_consumer_info(?)", Q))
                .containsExactlyInAnyOrder(".global_watermark", ".n2.watermark", "n2_worker");
        assertThat(branch.column("select consumer_name from pgq.get_consumer_info(?)", Q))
                .containsExactlyInAnyOrder(".global_watermark", ".n3.watermark", "n3_worker");
        assertThat(leaf.value("select count(*) from pgq.queue")).isEqualTo(0L);
    }

    static List<Map<String, Object>> ticksAfter(Sql s, long tick) throws Exception {
        return ticks(s, Q).stream().filter(t -> ((Number) t.get("tick_id")).longValue() > tick).toList();
    }

    static Map<String, Object> row(String type, String data, String extra1, String extra2, String extra3) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ev_type", type);
        m.put("ev_data", data);
        m.put("ev_extra1", extra1);
        m.put("ev_extra2", extra2);
        m.put("ev_extra3", extra3);
        return m;
    }
}
