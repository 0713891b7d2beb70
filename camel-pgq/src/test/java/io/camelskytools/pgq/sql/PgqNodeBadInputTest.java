package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unknown queues, nodes and consumers get Skytools' codes and change nothing; names with
 * quotes, capitals and spaces are data, and a name written as SQL stays a name.
 */
class PgqNodeBadInputTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqNode();

    @Test
    void everyFunctionAnswersAnUnknownQueueAndChangesNothing() throws Exception {
        try (Sql s = PG.db().open()) {
            // something to leave alone
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            expect(s, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(s, 200, "Subscriber registered: n2", "register_subscriber", "q", "n2", "w2", null);
            var before = state(s);

            expect(s, 404, "Unknown queue: nope", "get_node_info", "nope");
            expect(s, 404, "Unknown queue: nope", "get_worker_state", "nope");
            expect(s, 404, "Unknown queue: nope", "get_consumer_state", "nope", "w1");
            expect(s, 404, "Unknown queue: nope", "register_consumer", "nope", "c", "n1", 1L);
            expect(s, 404, "Unknown queue: nope", "unregister_consumer", "nope", "w1");
            expect(s, 404, "Unknown queue: nope", "register_subscriber", "nope", "n2", "w2", null);
            expect(s, 304, "Subscriber not found", "unregister_subscriber", "nope", "n2");
            expect(s, 404, "node n2 not subscribed to queue ", "set_subscriber_watermark", "nope", "n2", 1L);
            expect(s, 404, "Queuenope not found", "set_global_watermark", "nope", 1L);
            expect(s, 201, "Part-queue does not exist", "set_partition_watermark", "q", "nope", 1L);
            expect(s, 404, "Node not found", "set_node_attrs", "nope", "a=1");
            expect(s, 404, "Node not initialized for queue: nope", "promote_branch", "nope");
            expect(s, 404, "Node not initialized for queue: nope", "demote_root", "nope", 1, "n1");
            expect(s, 404, "New node not found: n1", "change_consumer_provider", "nope", "w1", "n1");
            expect(s, 404, "Consumer not known: nope/w1", "set_consumer_uptodate", "nope", "w1", true);
            expect(s, 404, "Unknown consumer: w1", "set_consumer_paused", "nope", "w1", true);
            expect(s, 404, "Consumer not known: nope/w1", "set_consumer_completed", "nope", "w1", 1L);
            expect(s, 101, "Consumer not known, ignoring: nope/w1", "set_consumer_error", "nope", "w1", "x");
            expect(s, 301, "Location not found: nope/n1", "unregister_location", "nope", "n1");
            expect(s, 200, "Node dropped: n1", "drop_node", "nope", "n1");
            assertThat(s.rows("select * from pgq_node.get_queue_locations('nope')")).isEmpty();
            assertThat(s.rows("select * from pgq_node.get_subscriber_info('nope')")).isEmpty();
            assertThat(s.rows("select * from pgq_node.get_consumer_info('nope')")).isEmpty();
            assertThat(s.value("select pgq_node.maint_watermark('nope')")).isEqualTo(0);
            assertThat(s.error("select pgq_node.is_root_node('nope')")).isEqualTo("queue does not exist: nope");
            assertThat(s.error("select pgq_node.is_leaf_node('nope')")).isEqualTo("queue does not exist: nope");
            // names are case-sensitive: "Q" is not "q"
            expect(s, 404, "Unknown queue: Q", "get_node_info", "Q");

            assertThat(state(s)).isEqualTo(before);
        }
    }

    @Test
    void unknownNodesAndConsumersOnAKnownQueueChangeNothing() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            var before = state(s);
            expect(s, 404, "Unknown consumer: q/w9", "get_consumer_state", "q", "w9");
            expect(s, 404, "Consumer not known: q/w9", "set_consumer_uptodate", "q", "w9", true);
            expect(s, 404, "Unknown consumer: w9", "set_consumer_paused", "q", "w9", false);
            expect(s, 404, "Consumer not known: q/w9", "set_consumer_completed", "q", "w9", 1L);
            expect(s, 101, "Consumer not known, ignoring: q/w9", "set_consumer_error", "q", "w9", "x");
            expect(s, 404, "Unknown consumer: q/w9", "change_consumer_provider", "q", "w9", "n1");
            expect(s, 404, "New node not found: n9", "change_consumer_provider", "q", "w1", "n9");
            expect(s, 304, "Subscriber not found", "unregister_subscriber", "q", "n9");
            expect(s, 404, "node n9 not subscribed to queue ", "set_subscriber_watermark", "q", "n9", 1L);
            expect(s, 401, "Node already initialized", "create_node", "q", "leaf", "n9", "w9", "n1", 1L, null);
            // NULL where a name belongs: the same codes (the note has nothing to name)
            assertThat(node(s, "get_node_info", (Object) null)).containsEntry("ret_code", 404).containsEntry("ret_note", null);
            assertThat(node(s, "get_consumer_state", "q", null)).containsEntry("ret_code", 404)
                    .containsEntry("ret_note", null);
            assertThat(state(s)).isEqualTo(before);

            // the root announces a removal even of a member it did not know, as Skytools does
            expect(s, 301, "Location not found: q/n9", "unregister_location", "q", "n9");
            assertThat(s.rows("select ev_type, ev_data from pgq.event_template"))
                    .containsExactly(Map.of("ev_type", "pgq.unregister-location", "ev_data", "n9"));
        }
    }

    @Test
    void namesWithQuotesCapitalsAndSpacesAreData() throws Exception {
        try (Sql s = PG.db().open()) {
            String q = "My \"Queue\" it's";
            String root = "Node 'A'";
            String sub = "Node \"B\" two";
            String worker = "Worker \"A\"";
            createRoot(s, q, root, worker, "host=a dbname='x y'");
            expect(s, 200, "Location registered", "register_location", q, sub, "dbname=b", false);
            Map<String, Object> r = expect(s, 200, "Subscriber registered: " + sub, "register_subscriber", q, sub,
                    "Worker 'B'", null);
            assertThat(r).containsEntry("global_watermark", 1L);
            assertThat(s.column("select consumer_name from pgq.get_consumer_info(?)", q))
                    .containsExactlyInAnyOrder(".global_watermark", ".Node \"B\" two.watermark", "Worker 'B'");
            s.exec("select pgq.insert_event(?, 't', 'd')", q);
            long t2 = tick(s, q);
            expect(s, 200, ".Node \"B\" two.watermark set to " + t2, "set_subscriber_watermark", q, sub, t2);
            assertThat(s.rows("select * from pgq_node.get_subscriber_info(?)", q))
                    .containsExactly(Map.of("node_name", sub, "worker_name", "Worker 'B'", "node_watermark", t2));
            assertThat(node(s, "get_node_info", q)).containsEntry("node_name", root).containsEntry("worker_name", worker)
                    .containsEntry("provider_location", "host=a dbname='x y'");
            expect(s, 200, "Consumer Worker \"A\" tagged as paused", "set_consumer_paused", q, worker, true);
            expect(s, 200, "Step 1: Writing disabled for: " + q, "demote_root", q, 1, sub);
            expect(s, 200, "Step 2: Inserted last tick: " + q, "demote_root", q, 2, sub);
            expect(s, 200, "Step 3: Demoted root to branch: " + q, "demote_root", q, 3, sub);
            expect(s, 200, "Branch node promoted to root", "promote_branch", q);
            expect(s, 200, "Node dropped: " + root, "drop_node", q, root);
            assertThat(s.value("select count(*) from pgq.queue")).isEqualTo(0L);
        }
    }

    @Test
    void aNameWrittenAsSqlStaysAName() throws Exception {
        try (Sql s = PG.db().open()) {
            String q = "q'); drop table pgq_node.node_info; --";
            String n = "n\"; drop schema pgq cascade; --";
            String loc = "dbname=x'; select pg_sleep(60); --";
            createRoot(s, q, n, "w'||pg_terminate_backend(pg_backend_pid())||'", loc);
            expect(s, 200, "Location registered", "register_location", q, "n2); delete from pgq.queue; --", "dbname=y",
                    false);
            expect(s, 200, "Subscriber registered: n2); delete from pgq.queue; --", "register_subscriber", q,
                    "n2); delete from pgq.queue; --", "w2'; truncate pgq.tick; --", null);
            s.exec("select pgq.insert_event(?, 't', 'still here')", q);
            long t = tick(s, q);
            expect(s, 200, "Global watermark set to 1", "set_global_watermark", q, null);
            expect(s, 200, "Step 1: Writing disabled for: " + q, "demote_root", q, 1, n);
            expect(s, 200, "Step 2: Inserted last tick: " + q, "demote_root", q, 2, n);
            assertThat(node(s, "get_node_info", q)).containsEntry("node_name", n).containsEntry("provider_location", loc)
                    .containsEntry("worker_name", "w'||pg_terminate_backend(pg_backend_pid())||'");
            assertThat(s.column("select node_name from pgq_node.get_queue_locations(?)", q))
                    .containsExactlyInAnyOrder(n, "n2); delete from pgq.queue; --");
            assertThat(s.column("select ev_data from pgq.event_template where ev_type = 't'")).containsExactly("still here");
            assertThat(lastTick(s, q)).isGreaterThan(t);
            // the tables and schemas named in the names are all still there
            assertThat(s.value("select count(*) from pgq_node.node_info")).isEqualTo(1L);
            assertThat(s.value("select count(*) from pgq.queue")).isEqualTo(1L);
        }
    }
}
