package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes of each type on one database: what create_node leaves behind, what the argument
 * checks answer, drop_node, attributes, type checks, and the codes of promote and demote.
 * Other members are only locations here (nothing connects to them).
 */
class PgqNodeLifecycleTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqNode();

    @Test
    void rootOwnsItsQueueAndItsWorkerReadsFromItself() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            assertThat(s.row("select queue_external_ticker, queue_disable_insert from pgq.queue where queue_name = 'q'"))
                    .containsEntry("queue_external_ticker", false).containsEntry("queue_disable_insert", false);
            assertThat(s.rows("select consumer_name, last_tick from pgq.get_consumer_info('q')"))
                    .containsExactly(Map.of("consumer_name", ".global_watermark", "last_tick", 1L));
            Map<String, Object> info = expect(s, 100, "Ok", "get_node_info", "q");
            assertThat(info).containsEntry("node_type", "root").containsEntry("node_name", "n1")
                    .containsEntry("global_watermark", 1L).containsEntry("local_watermark", 1L)
                    .containsEntry("provider_node", "n1").containsEntry("provider_location", "dbname=n1")
                    .containsEntry("combined_queue", null).containsEntry("combined_type", null)
                    .containsEntry("worker_name", "w1").containsEntry("worker_paused", false)
                    .containsEntry("worker_uptodate", false).containsEntry("worker_last_tick", 1L)
                    .containsEntry("node_attrs", null).containsEntry("target_for", null);
            // the root's worker_last_tick is the latest tick, whatever its worker recorded
            s.exec("select pgq.insert_event('q', 't', 'd')");
            long t2 = tick(s, "q");
            assertThat(node(s, "get_node_info", "q")).containsEntry("worker_last_tick", t2)
                    .containsEntry("local_watermark", t2);
            assertThat(node(s, "get_consumer_state", "q", "w1")).containsEntry("completed_tick", 1L);
            Map<String, Object> ws = expect(s, 100, "Ok", "get_worker_state", "q");
            assertThat(ws).containsEntry("node_type", "root").containsEntry("completed_tick", 1L)
                    .containsEntry("local_queue_top", t2).containsEntry("global_watermark", 1L)
                    .containsEntry("local_watermark", t2).containsEntry("worker_name", "w1");
            assertThat(s.value("select pgq_node.is_root_node('q')")).isEqualTo(true);
            assertThat(s.value("select pgq_node.is_leaf_node('q')")).isEqualTo(false);
            expect(s, 401, "Node already initialized", "create_node", "q", "root", "n1", "w1", null, null, null);
        }
    }

    @Test
    void branchTakesTicksFromItsProviderAndStartsAtTheGlobalWatermark() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "q", "n1", "dbname=n1", false);
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Node \"n2\" initialized for queue \"q\" with type \"branch\"",
                    "create_node", "q", "branch", "n2", "w2", "n1", 7L, null);
            assertThat(s.row("select queue_external_ticker, queue_disable_insert from pgq.queue where queue_name = 'q'"))
                    .containsEntry("queue_external_ticker", true).containsEntry("queue_disable_insert", true);
            // tick 7 is made here with the provider's id, so batch boundaries match the provider's
            assertThat(ticks(s, "q")).extracting(t -> t.get("tick_id")).containsExactly(1L, 7L);
            assertThat(consumerTick(s, "q", ".global_watermark")).isEqualTo(7L);
            assertThat(node(s, "get_node_info", "q")).containsEntry("node_type", "branch")
                    .containsEntry("global_watermark", 7L).containsEntry("local_watermark", 7L)
                    .containsEntry("worker_last_tick", 7L).containsEntry("provider_node", "n1");
            assertThat(node(s, "get_consumer_state", "q", "w2")).containsEntry("completed_tick", 7L)
                    .containsEntry("provider_location", "dbname=n1");
            // nothing may be produced here, and the local ticker leaves the queue alone
            assertThat(s.error("select pgq.insert_event('q', 't', 'd')")).contains("Insert into queue disallowed");
            assertThat(s.error("select pgq.ticker('q')")).contains("external tick source");

            assertThat(s.value("select pgq_node.is_root_node('q')")).isEqualTo(false);
            assertThat(s.value("select pgq_node.is_leaf_node('q')")).isEqualTo(false);
        }
    }

    @Test
    void branchAtWatermarkOneMakesNoExtraTick() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "q", "n1", "dbname=n1", false);
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Node \"n2\" initialized for queue \"q\" with type \"branch\"",
                    "create_node", "q", "branch", "n2", "w2", "n1", 1L, null);
            assertThat(ticks(s, "q")).extracting(t -> t.get("tick_id")).containsExactly(1L);
        }
    }

    @Test
    void leafHasNoQueueAndItsWatermarkIsItsWorkersPosition() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "q", "n1", "dbname=n1", false);
            expect(s, 200, "Location registered", "register_location", "q", "n3", "dbname=n3", false);
            expect(s, 200, "Node \"n3\" initialized for queue \"q\" with type \"leaf\"",
                    "create_node", "q", "leaf", "n3", "w3", "n1", 12L, null);
            assertThat(s.value("select count(*) from pgq.queue")).isEqualTo(0L);
            assertThat(node(s, "get_node_info", "q")).containsEntry("node_type", "leaf")
                    .containsEntry("global_watermark", null).containsEntry("local_watermark", 12L)
                    .containsEntry("worker_last_tick", 12L).containsEntry("target_for", null);
            assertThat(node(s, "get_worker_state", "q")).containsEntry("ret_code", 100)
                    .containsEntry("local_watermark", 12L).containsEntry("local_queue_top", null)
                    .containsEntry("global_watermark", null);
            assertThat(s.value("select pgq_node.is_leaf_node('q')")).isEqualTo(true);
            expect(s, 401, "Cannot subscribe to leaf node", "register_subscriber", "q", "n9", "w9", null);
        }
    }

    @Test
    void mergeLeafFeedsACombinedQueueOfTheSameDatabase() throws Exception {
        try (Sql s = PG.db().open()) {
            // the combined queue: a root here
            createRoot(s, "combined", "c1", "cw1", "dbname=here");
            // partition queues: merge-leaves of other roots, feeding "combined"
            for (String part : new String[] {"part_b", "part_a"}) {
                expect(s, 200, "Location registered", "register_location", part, "p_root", "dbname=elsewhere", false);
                expect(s, 200, "Location registered", "register_location", part, "p_leaf", "dbname=here", false);
                expect(s, 200, "Node \"p_leaf\" initialized for queue \"" + part + "\" with type \"leaf\"",
                        "create_node", part, "leaf", "p_leaf", part + "_worker", "p_root", 1L, "combined");
            }
            assertThat(node(s, "get_node_info", "part_a")).containsEntry("combined_queue", "combined")
                    .containsEntry("combined_type", "root");
            assertThat(node(s, "get_worker_state", "part_a")).containsEntry("ret_code", 100)
                    .containsEntry("combined_queue", "combined").containsEntry("combined_type", "root");
            assertThat(s.value("select target_for::text from pgq_node.get_node_info('combined')"))
                    .isEqualTo("{part_a,part_b}");

            expect(s, 401, "non-existing queue on leaf side: nowhere",
                    "create_node", "part_c", "leaf", "p_leaf", "w", "p_root", 1L, "nowhere");
            // only a leaf may have a combined queue
            assertThat(s.error("select * from pgq_node.create_node('part_d', 'branch', 'p_leaf', 'w', 'p_root', 1, 'combined')"))
                    .contains("node_info_check");
        }
    }

    @Test
    void createNodeRefusesArgumentsThatDoNotFitTheType() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "q", "n1", "dbname=n1", false);
            var before = state(s);
            expect(s, 401, "unexpected args for root", "create_node", "q", "root", "n1", "w", "n0", null, null);
            expect(s, 401, "unexpected args for root", "create_node", "q", "root", "n1", "w", null, 5L, null);
            expect(s, 401, "unexpected args for root", "create_node", "q", "root", "n1", "w", null, null, "c");
            expect(s, 401, "provider not set for branch", "create_node", "q", "branch", "n1", "w", null, 5L, null);
            expect(s, 401, "global watermark not set for branch", "create_node", "q", "branch", "n1", "w", "n0", null, null);
            expect(s, 401, "non-existing queue on leaf side: c", "create_node", "q", "leaf", "n1", "w", "n0", 5L, "c");
            if (skytools()) {
                // Skytools means to answer 401 "bad node type" but carries on into node_info's check
                assertThat(s.error("select * from pgq_node.create_node('q', 'Root', 'n1', 'w', null, null, null)"))
                        .contains("violates check constraint \"node_info_check\"");
                assertThat(s.error("select * from pgq_node.create_node('q', null, 'n1', 'w', null, null, null)"))
                        .contains("null value in column \"node_type\"");
            } else {
                // ours answers (docs/compatibility.md)
                expect(s, 401, "bad node type: Root", "create_node", "q", "Root", "n1", "w", null, null, null);
                expect(s, 401, "bad node type: NULL", "create_node", "q", null, "n1", "w", null, null, null);
            }
            assertThat(state(s)).isEqualTo(before);
            // the node's own location must be known first
            assertThat(s.error("select * from pgq_node.create_node('q2', 'root', 'n1', 'w', null, null, null)"))
                    .contains("node_info_queue_name_node_name_fkey");
            assertThat(s.value("select count(*) from pgq.queue")).isEqualTo(0L);
        }
    }

    @Test
    void dropNodeOnTheNodeItselfRemovesItsStateQueueAndMembers() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Subscriber registered: n2", "register_subscriber", "q", "n2", "w2", null);
            expect(s, 200, "Consumer c registered on queue q", "register_consumer", "q", "c", "n1", 1L);
            createRoot(s, "other", "o1", "ow", "dbname=o1");
            expect(s, 200, "Node dropped: n1", "drop_node", "q", "n1");
            assertThat(s.column("select queue_name from pgq.queue")).containsExactly("other");
            for (String table : new String[] {"node_location", "node_info", "local_state", "subscriber_info"}) {
                assertThat(s.value("select count(*) from pgq_node." + table + " where queue_name = 'q'"))
                        .as(table).isEqualTo(0L);
            }
            assertThat(s.column("select consumer_name from pgq.get_consumer_info()")).containsExactly(".global_watermark");
            expect(s, 404, "Unknown queue: q", "get_node_info", "q");
            // again, with nothing left: still 200
            expect(s, 200, "Node dropped: n1", "drop_node", "q", "n1");
            assertThat(node(s, "get_node_info", "other")).containsEntry("ret_code", 100);
        }
    }

    @Test
    void dropNodeOfAnotherMemberUnsubscribesItButNeverTheProvider() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 200, "Location registered", "register_location", "q", "n1", "dbname=n1", false);
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Location registered", "register_location", "q", "n3", "dbname=n3", false);
            expect(s, 200, "Node \"n2\" initialized for queue \"q\" with type \"branch\"",
                    "create_node", "q", "branch", "n2", "w2", "n1", 1L, null);
            expect(s, 200, "Subscriber registered: n3", "register_subscriber", "q", "n3", "w3", null);

            var before = state(s);
            expect(s, 405, "Cannot drop provider node: n1", "drop_node", "q", "n1");
            assertThat(state(s)).isEqualTo(before);

            expect(s, 200, "Node dropped: n3", "drop_node", "q", "n3");
            assertThat(s.rows("select * from pgq_node.get_subscriber_info('q')")).isEmpty();
            assertThat(s.column("select consumer_name from pgq.get_consumer_info('q')")).containsExactly(".global_watermark");
            assertThat(s.column("select node_name from pgq_node.get_queue_locations('q')")).containsExactly("n1", "n2");
            // a branch does not announce members: only the root does
            assertThat(s.value("select count(*) from pgq.event_template")).isEqualTo(0L);
        }
    }

    @Test
    void dropOfAMemberOnTheRootIsAnnounced() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Subscriber registered: n2", "register_subscriber", "q", "n2", "w2", null);
            expect(s, 200, "Node dropped: n2", "drop_node", "q", "n2");
            assertThat(s.rows("select ev_type, ev_data, ev_extra1 from pgq.event_template order by ev_id"))
                    .extracting(e -> e.get("ev_type") + ":" + e.get("ev_data") + ":" + e.get("ev_extra1"))
                    .containsExactly("pgq.location-info:n2:q", "pgq.unregister-location:n2:q");
            assertThat(s.rows("select * from pgq_node.get_subscriber_info('q')")).isEmpty();
        }
    }

    @Test
    void nodeAttributes() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            expect(s, 200, "Node attributes updated", "set_node_attrs", "q", "sync_watermark=n2%2Cn3");
            assertThat(node(s, "get_node_info", "q")).containsEntry("node_attrs", "sync_watermark=n2%2Cn3");
            expect(s, 200, "Node attributes updated", "set_node_attrs", "q", null);
            assertThat(node(s, "get_node_info", "q")).containsEntry("node_attrs", null);
            expect(s, 404, "Node not found", "set_node_attrs", "nope", "a=1");
        }
    }

    @Test
    void promoteAndDemoteAnswerForTheWrongNodeAndKeepTheirStepOrder() throws Exception {
        try (Sql s = PG.db().open()) {
            expect(s, 404, "Node not initialized for queue: q", "promote_branch", "q");
            assertThat(expect(s, 404, "Node not initialized for queue: q", "demote_root", "q", 1, "n2"))
                    .containsEntry("last_tick", null);
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            expect(s, 301, "Node not branch", "promote_branch", "q");
            var before = state(s);
            assertThat(s.error("select * from pgq_node.demote_root('q', 2, 'n2')")).isEqualTo("steps in wrong order");
            assertThat(s.error("select * from pgq_node.demote_root('q', 3, 'n2')")).isEqualTo("steps in wrong order");
            assertThat(s.error("select * from pgq_node.demote_root('q', 0, 'n2')")).isEqualTo("incorrect step number");
            assertThat(state(s)).isEqualTo(before);

            expect(s, 200, "Step 1: Writing disabled for: q", "demote_root", "q", 1, "n2");
            assertThat(s.error("select * from pgq_node.demote_root('q', 4, 'n2')")).isEqualTo("incorrect step number");
            Map<String, Object> step2 = expect(s, 200, "Step 2: Inserted last tick: q", "demote_root", "q", 2, "n2");
            long lastTick = ((Number) step2.get("last_tick")).longValue();
            assertThat(lastTick(s, "q")).isEqualTo(lastTick);
            // the new provider must be a member
            assertThat(s.error("select * from pgq_node.demote_root('q', 3, 'n2')"))
                    .contains("local_state_queue_name_provider_node_fkey");
            // and the root can no longer announce one: its queue is closed
            assertThat(s.error("select * from pgq_node.register_location('q', 'n2', 'dbname=n2', false)"))
                    .contains("Insert into queue disallowed");
            assertThat(node(s, "get_node_info", "q")).containsEntry("node_type", "root");
        }
    }

    @Test
    void demoteOfARootWhoseQueueWasDroppedUnderIt() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            s.exec("select pgq.drop_queue('q', true)");
            expect(s, 404, "Huh, no queue?: q", "demote_root", "q", 1, "n1");
            assertThat(s.error("select * from pgq_node.demote_root('q', 2, 'n1')")).isEqualTo("steps in wrong order");
        }
    }

    @Test
    void demotedRootCanBePromotedBack() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            // the member must be known before step 1 closes the queue (the root announces it)
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            s.exec("select pgq.insert_event('q', 't', 'd')");
            long t2 = tick(s, "q");
            expect(s, 200, "Step 1: Writing disabled for: q", "demote_root", "q", 1, "n2");
            long last = ((Number) node(s, "demote_root", "q", 2, "n2").get("last_tick")).longValue();
            assertThat(last).isGreaterThan(t2);
            Map<String, Object> step3 = expect(s, 200, "Step 3: Demoted root to branch: q", "demote_root", "q", 3, "n2");
            assertThat(step3).containsEntry("last_tick", last);
            assertThat(node(s, "get_node_info", "q")).containsEntry("node_type", "branch")
                    .containsEntry("provider_node", "n2").containsEntry("worker_last_tick", last)
                    .containsEntry("worker_uptodate", false);
            expect(s, 301, "Node not root", "demote_root", "q", 1, "n2");

            expect(s, 200, "Branch node promoted to root", "promote_branch", "q");
            assertThat(node(s, "get_node_info", "q")).containsEntry("node_type", "root")
                    .containsEntry("provider_node", "n1");
            // the local ticker goes on after the last tick, and producers are back
            s.exec("select pgq.insert_event('q', 't', 'again')");
            assertThat(tick(s, "q")).isGreaterThan(last);
        }
    }
}
