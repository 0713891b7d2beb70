package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watermarks on one database, with every return code: what subscribers report
 * (set_subscriber_watermark), the global watermark on each node type, the merge-leaf's
 * partition watermark, and pgqd's maint_watermark.
 */
class PgqNodeWatermarkTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqNode();

    /** Root n1 with subscriber n2, and ticks 1 (global watermark), t2, t3. */
    static long[] rootWithSubscriber(Sql s) throws Exception {
        createRoot(s, "q", "n1", "w1", "dbname=n1");
        expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
        Map<String, Object> sub = expect(s, 200, "Subscriber registered: n2", "register_subscriber", "q", "n2", "w2", null);
        assertThat(sub).containsEntry("global_watermark", 1L);
        s.exec("select pgq.insert_event('q', 't', 'a')");
        long t2 = tick(s, "q");
        s.exec("select pgq.insert_event('q', 't', 'b')");
        long t3 = tick(s, "q");
        return new long[] {t2, t3};
    }

    @Test
    void subscriberWatermarkOnlyMovesForward() throws Exception {
        try (Sql s = PG.db().open()) {
            long[] t = rootWithSubscriber(s);
            expect(s, 200, ".n2.watermark set to " + t[1], "set_subscriber_watermark", "q", "n2", t[1]);
            assertThat(consumerTick(s, "q", ".n2.watermark")).isEqualTo(t[1]);
            var before = state(s);
            expect(s, 100, "watermark already set", "set_subscriber_watermark", "q", "n2", t[1]);
            expect(s, 405, "watermark must not be moved backwards", "set_subscriber_watermark", "q", "n2", t[0]);
            // the text ends in "queue " without the name, as Skytools' does
            expect(s, 404, "node n9 not subscribed to queue ", "set_subscriber_watermark", "q", "n9", t[1]);
            expect(s, 404, "node n2 not subscribed to queue ", "set_subscriber_watermark", "nope", "n2", t[1]);
            assertThat(state(s)).isEqualTo(before);
            // forward to a tick the queue does not have: pgq refuses the position
            assertThat(s.error("select * from pgq_node.set_subscriber_watermark('q', 'n2', 999)"))
                    .isEqualTo("cannot reposition, tick not found: 999");
            assertThat(s.rows("select * from pgq_node.get_subscriber_info('q')"))
                    .containsExactly(Map.of("node_name", "n2", "worker_name", "w2", "node_watermark", t[1]));
        }
    }

    @Test
    void registerSubscriberAtACustomTickAndUnregister() throws Exception {
        try (Sql s = PG.db().open()) {
            long[] t = rootWithSubscriber(s);
            expect(s, 200, "Location registered", "register_location", "q", "n3", "dbname=n3", false);
            expect(s, 200, "Subscriber registered: n3", "register_subscriber", "q", "n3", "w3", t[0]);
            // the worker starts where asked, its watermark at the global watermark
            assertThat(consumerTick(s, "q", "w3")).isEqualTo(t[0]);
            assertThat(consumerTick(s, "q", ".n3.watermark")).isEqualTo(1L);
            assertThat(s.error("select * from pgq_node.register_subscriber('q', 'n3', 'w3', null)"))
                    .contains("subscriber_info_pkey");
            assertThat(s.error("select * from pgq_node.register_subscriber('q', 'n9', 'w9', null)"))
                    .as("only members can subscribe").contains("subscriber_info_queue_name_subscriber_node_fkey");
            assertThat(consumerTick(s, "q", "w9")).isNull();

            expect(s, 200, "Subscriber unregistered: n3", "unregister_subscriber", "q", "n3");
            assertThat(consumerTick(s, "q", "w3")).isNull();
            assertThat(consumerTick(s, "q", ".n3.watermark")).isNull();
            expect(s, 304, "Subscriber not found", "unregister_subscriber", "q", "n3");
            assertThat(expect(s, 404, "Unknown queue: nope", "register_subscriber", "nope", "n3", "w3", null))
                    .containsEntry("global_watermark", null);
        }
    }

    @Test
    void rootPublishesItsLocalWatermarkAsTheGlobalOne() throws Exception {
        try (Sql s = PG.db().open()) {
            long[] t = rootWithSubscriber(s);
            // n2's worker and watermark are still at tick 1
            expect(s, 200, "Global watermark set to 1", "set_global_watermark", "q", null);
            s.exec("select pgq.register_consumer_at('q', 'w2', ?)", t[1]);
            expect(s, 200, ".n2.watermark set to " + t[0], "set_subscriber_watermark", "q", "n2", t[0]);
            assertThat(node(s, "get_node_info", "q")).containsEntry("local_watermark", t[0])
                    .containsEntry("global_watermark", 1L);
            expect(s, 200, "Global watermark set to " + t[0], "set_global_watermark", "q", null);
            assertThat(consumerTick(s, "q", ".global_watermark")).isEqualTo(t[0]);
            assertThat(node(s, "get_consumer_state", "q", "w1")).containsEntry("completed_tick", t[0]);
            assertThat(s.column("select ev_data from pgq.event_template where ev_type = 'pgq.global-watermark'"
                    + " order by ev_id")).containsExactly("1", Long.toString(t[0]));
            // an explicit value is taken as it is
            expect(s, 200, "Global watermark set to " + t[1], "set_global_watermark", "q", t[1]);
            assertThat(consumerTick(s, "q", ".global_watermark")).isEqualTo(t[1]);
            expect(s, 404, "Queuenope not found", "set_global_watermark", "nope", null);
        }
    }

    @Test
    void branchAppliesTheGlobalWatermarkItHasTheTickFor() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "q", "n1", "dbname=n1", false);
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Node \"n2\" initialized for queue \"q\" with type \"branch\"",
                    "create_node", "q", "branch", "n2", "w2", "n1", 3L, null);
            var before = state(s);
            expect(s, 500, "bad usage: wm=null on branch node", "set_global_watermark", "q", null);
            expect(s, 200, "Skipping global watermark update to 2", "set_global_watermark", "q", 2L);
            assertThat(state(s)).isEqualTo(before);
            s.exec("select pgq.ticker('q', 4, now(), 10)");
            expect(s, 200, "Global watermark set to 4", "set_global_watermark", "q", 4L);
            assertThat(node(s, "get_node_info", "q")).containsEntry("global_watermark", 4L);
            // a branch does not announce it: only the root does
            assertThat(s.value("select count(*) from pgq.event_template")).isEqualTo(0L);
        }
    }

    @Test
    void partitionWatermarkOfAMergeLeafOnACombinedBranch() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "combined", "c1", "dbname=c1", false);
            expect(s, 200, "Location registered", "register_location", "combined", "c2", "dbname=c2", false);
            expect(s, 200, "Node \"c2\" initialized for queue \"combined\" with type \"branch\"",
                    "create_node", "combined", "branch", "c2", "cw", "c1", 1L, null);
            expect(s, 200, "Location registered", "register_location", "part", "p1", "dbname=p1", false);
            expect(s, 200, "Location registered", "register_location", "part", "p2", "dbname=p2", false);
            expect(s, 200, "Node \"p2\" initialized for queue \"part\" with type \"leaf\"",
                    "create_node", "part", "leaf", "p2", "pw", "p1", 3L, "combined");
            assertThat(node(s, "get_worker_state", "part")).containsEntry("combined_type", "branch");

            expect(s, 200, "Ok", "set_partition_watermark", "combined", "part", 8L);
            assertThat(node(s, "get_consumer_state", "part", "pw")).containsEntry("completed_tick", 8L);
            var before = state(s);
            expect(s, 201, "Part-queue does not exist", "set_partition_watermark", "combined", "other", 9L);
            expect(s, 201, "Part-queue does not exist", "set_partition_watermark", "other", "part", 9L);
            expect(s, 201, "Part-queue does not exist", "set_partition_watermark", "part", "combined", 9L);
            assertThat(state(s)).isEqualTo(before);
            expect(s, 200, "Consumer pw unregistered from part", "unregister_consumer", "part", "pw");
            expect(s, 401, "Worker registration not found", "set_partition_watermark", "combined", "part", 9L);

            // once the combined queue's node is a root, the merge-leaf no longer waits behind
            expect(s, 200, "Branch node promoted to root", "promote_branch", "combined");
            expect(s, 201, "Part-queue does not exist", "set_partition_watermark", "combined", "part", 9L);
        }
    }

    @Test
    void maintWatermarkPublishesWhenTheRootsGlobalWatermarkIsFiveMinutesOld() throws Exception {
        try (Sql s = PG.db().open()) {
            long[] t = rootWithSubscriber(s);
            s.exec("select pgq.register_consumer_at('q', 'w2', ?)", t[1]);
            s.exec("select pgq.register_consumer_at('q', '.n2.watermark', ?)", t[1]);
            // pgqd finds it among the maintenance operations of a root
            assertThat(s.rows("select func_name, func_arg from pgq.maint_operations() where func_name like 'pgq_node.%'"))
                    .containsExactly(Map.of("func_name", "pgq_node.maint_watermark", "func_arg", "q"));

            assertThat(s.value("select pgq_node.maint_watermark('q')")).isEqualTo(0);
            assertThat(consumerTick(s, "q", ".global_watermark")).as("tick 1 is younger than 5 minutes").isEqualTo(1L);

            s.exec("update pgq.tick set tick_time = tick_time - interval '6 minutes'"
                    + " where tick_queue = (select queue_id from pgq.queue where queue_name = 'q')");
            assertThat(s.value("select pgq_node.maint_watermark('q')")).isEqualTo(0);
            assertThat(consumerTick(s, "q", ".global_watermark")).isEqualTo(t[1]);
            assertThat(s.column("select ev_data from pgq.event_template where ev_type = 'pgq.global-watermark'"))
                    .containsExactly(Long.toString(t[1]));

            // not a root, or no node: nothing to do
            assertThat(s.value("select pgq_node.maint_watermark('nope')")).isEqualTo(0);
        }
    }

    @Test
    void maintWatermarkLeavesBranchesAlone() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "q", "n1", "dbname=n1", false);
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Node \"n2\" initialized for queue \"q\" with type \"branch\"",
                    "create_node", "q", "branch", "n2", "w2", "n1", 3L, null);
            s.exec("update pgq.tick set tick_time = tick_time - interval '1 hour'");
            var before = state(s);
            assertThat(s.value("select pgq_node.maint_watermark('q')")).isEqualTo(0);
            assertThat(state(s)).isEqualTo(before);
            assertThat(s.rows("select func_name from pgq.maint_operations() where func_name like 'pgq_node.%'")).isEmpty();
        }
    }
}
