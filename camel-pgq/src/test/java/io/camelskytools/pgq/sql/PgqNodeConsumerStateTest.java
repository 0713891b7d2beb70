package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state a cascaded consumer keeps on its target node, through the calls of its loop
 * (get_consumer_state, set_consumer_uptodate, set_consumer_completed, set_consumer_error)
 * and of an administrator (pause, resume, change provider), with every return code.
 */
class PgqNodeConsumerStateTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqNode();

    /** A leaf n3 reading from n1, with n2 another member. */
    static void leaf(Sql s) throws Exception {
        expect(s, 200, "Location registered", "register_location", "q", "n1", "host=h1 dbname=d", false);
        expect(s, 200, "Location registered", "register_location", "q", "n2", "host=h2 dbname=d", false);
        expect(s, 200, "Location registered", "register_location", "q", "n3", "host=h3 dbname=d", false);
        expect(s, 200, "Node \"n3\" initialized for queue \"q\" with type \"leaf\"",
                "create_node", "q", "leaf", "n3", "w3", "n1", 5L, null);
    }

    @Test
    void registerAndStateOfAPlainCascadedConsumer() throws Exception {
        try (Sql s = PG.db().open()) {
            leaf(s);
            expect(s, 200, "Consumer my_consumer registered on queue q", "register_consumer", "q", "my_consumer", "n2", 9L);
            Map<String, Object> st = expect(s, 100, "Ok", "get_consumer_state", "q", "my_consumer");
            assertThat(st).containsEntry("node_type", "leaf").containsEntry("node_name", "n3")
                    .containsEntry("completed_tick", 9L).containsEntry("provider_node", "n2")
                    .containsEntry("provider_location", "host=h2 dbname=d").containsEntry("paused", false)
                    .containsEntry("uptodate", false).containsEntry("cur_error", null);
            // registered again: new provider and position, 201
            expect(s, 201, "Consumer already registered: q/my_consumer", "register_consumer", "q", "my_consumer", "n1", 4L);
            assertThat(node(s, "get_consumer_state", "q", "my_consumer")).containsEntry("completed_tick", 4L)
                    .containsEntry("provider_node", "n1");
            assertThat(s.rows("select * from pgq_node.get_consumer_info('q')")).containsExactly(
                    consumer("my_consumer", "n1", 4L), consumer("w3", "n1", 5L));

            expect(s, 200, "Consumer my_consumer unregistered from q", "unregister_consumer", "q", "my_consumer");
            // not there any more: still 200
            expect(s, 200, "Consumer my_consumer unregistered from q", "unregister_consumer", "q", "my_consumer");
            expect(s, 404, "Unknown consumer: q/my_consumer", "get_consumer_state", "q", "my_consumer");
            assertThat(s.column("select consumer_name from pgq_node.get_consumer_info('q')")).containsExactly("w3");
        }
    }

    @Test
    void theLoopOfAConsumerOnItsTarget() throws Exception {
        try (Sql s = PG.db().open()) {
            leaf(s);
            expect(s, 200, "Consumer uptodate = 1", "set_consumer_uptodate", "q", "w3", true);
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("uptodate", true);
            expect(s, 200, "Consumer uptodate = 0", "set_consumer_uptodate", "q", "w3", false);
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("uptodate", false);

            expect(s, 100, "Consumer w3 error = batch 7 failed: boom", "set_consumer_error", "q", "w3", "batch 7 failed: boom");
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("cur_error", "batch 7 failed: boom");
            // the next applied batch clears the error, in the same transaction as the batch
            s.begin();
            expect(s, 100, "Consumer w3 completed tick = 6", "set_consumer_completed", "q", "w3", 6L);
            s.rollback();
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("completed_tick", 5L)
                    .containsEntry("cur_error", "batch 7 failed: boom");
            expect(s, 100, "Consumer w3 completed tick = 6", "set_consumer_completed", "q", "w3", 6L);
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("completed_tick", 6L)
                    .containsEntry("cur_error", null);
            assertThat(node(s, "get_worker_state", "q")).containsEntry("completed_tick", 6L)
                    .containsEntry("local_watermark", 6L);
            // python-pgq clears a stale error with NULL
            expect(s, 100, "Consumer w3 error = batch 8 failed", "set_consumer_error", "q", "w3", "batch 8 failed");
            assertThat(node(s, "set_consumer_error", "q", "w3", null)).containsEntry("ret_code", 100)
                    .containsEntry("ret_note", null);
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("cur_error", null);
        }
    }

    @Test
    void pauseResumeAndTheUptodateAcknowledgement() throws Exception {
        try (Sql s = PG.db().open()) {
            leaf(s);
            expect(s, 200, "Consumer uptodate = 1", "set_consumer_uptodate", "q", "w3", true);
            expect(s, 201, "Consumer w3 already resumed", "set_consumer_paused", "q", "w3", false);
            assertThat(node(s, "get_consumer_state", "q", "w3")).as("no change, no new acknowledgement needed")
                    .containsEntry("uptodate", true);
            expect(s, 200, "Consumer w3 tagged as paused", "set_consumer_paused", "q", "w3", true);
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("paused", true)
                    .containsEntry("uptodate", false);
            assertThat(node(s, "get_node_info", "q")).containsEntry("worker_paused", true)
                    .containsEntry("worker_uptodate", false);
            expect(s, 201, "Consumer w3 already paused", "set_consumer_paused", "q", "w3", true);
            expect(s, 200, "Consumer uptodate = 1", "set_consumer_uptodate", "q", "w3", true);
            expect(s, 200, "Consumer w3 tagged as resumed", "set_consumer_paused", "q", "w3", false);
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("paused", false)
                    .containsEntry("uptodate", false);
        }
    }

    @Test
    void changeProvider() throws Exception {
        try (Sql s = PG.db().open()) {
            leaf(s);
            expect(s, 200, "Consumer uptodate = 1", "set_consumer_uptodate", "q", "w3", true);
            expect(s, 200, "Consumer provider node set to : n2", "change_consumer_provider", "q", "w3", "n2");
            assertThat(node(s, "get_consumer_state", "q", "w3")).containsEntry("provider_node", "n2")
                    .containsEntry("provider_location", "host=h2 dbname=d").containsEntry("completed_tick", 5L)
                    .containsEntry("uptodate", false);
            var before = state(s);
            expect(s, 404, "New node not found: n9", "change_consumer_provider", "q", "w3", "n9");
            expect(s, 404, "New node not found: n1", "change_consumer_provider", "other", "w3", "n1");
            expect(s, 404, "Unknown consumer: q/nobody", "change_consumer_provider", "q", "nobody", "n1");
            assertThat(state(s)).isEqualTo(before);
        }
    }

    @Test
    void unknownConsumerOrQueueCodes() throws Exception {
        try (Sql s = PG.db().open()) {
            leaf(s);
            var before = state(s);
            expect(s, 404, "Unknown queue: nope", "get_consumer_state", "nope", "w3");
            expect(s, 404, "Unknown queue: nope", "register_consumer", "nope", "c", "n1", 1L);
            expect(s, 404, "Unknown queue: nope", "unregister_consumer", "nope", "c");
            expect(s, 404, "Consumer not known: q/nobody", "set_consumer_uptodate", "q", "nobody", true);
            expect(s, 404, "Unknown consumer: nobody", "set_consumer_paused", "q", "nobody", true);
            expect(s, 404, "Consumer not known: q/nobody", "set_consumer_completed", "q", "nobody", 9L);
            expect(s, 101, "Consumer not known, ignoring: q/nobody", "set_consumer_error", "q", "nobody", "x");
            expect(s, 404, "Consumer not known: nope/w3", "set_consumer_completed", "nope", "w3", 9L);
            assertThat(s.rows("select * from pgq_node.get_consumer_info('nope')")).isEmpty();
            assertThat(state(s)).isEqualTo(before);
            // get_consumer_state fills in what it found before the missing piece
            assertThat(node(s, "get_consumer_state", "q", "nobody")).containsEntry("node_type", "leaf")
                    .containsEntry("node_name", "n3").containsEntry("completed_tick", null);
        }
    }

    @Test
    void aConsumerWhoseProviderLocationIsGone() throws Exception {
        try (Sql s = PG.db().open()) {
            leaf(s);
            // the location cannot go while a consumer reads from it...
            expect(s, 200, "Consumer c registered on queue q", "register_consumer", "q", "c", "n2", 5L);
            assertThat(s.error("select * from pgq_node.unregister_location('q', 'n2')"))
                    .contains("local_state_queue_name_provider_node_fkey");
            // ... and a provider that is not a member cannot be set
            assertThat(s.error("select * from pgq_node.register_consumer('q', 'c2', 'n9', 5)"))
                    .contains("local_state_queue_name_provider_node_fkey");
            assertThat(s.error("select * from pgq_node.register_consumer('q', 'c2', 'n1', null)"))
                    .contains("null value in column \"last_tick_id\"");
            assertThat(s.column("select consumer_name from pgq_node.get_consumer_info('q')")).containsExactly("c", "w3");
        }
    }

    static Map<String, Object> consumer(String name, String provider, long tick) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("consumer_name", name);
        m.put("provider_node", provider);
        m.put("last_tick_id", tick);
        m.put("paused", false);
        m.put("uptodate", false);
        m.put("cur_error", null);
        return m;
    }
}
