package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may do what, as roles in use would find it: subscribers (pgq_reader) call the
 * provider-side functions, cascaded consumers (pgq_writer) keep their state on the
 * target, pgq_admin runs the node, anyone may ask the version.
 */
class PgqNodeGrantsTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqNode();

    @Test
    void readersSubscribeWritersKeepConsumerStateAdminsRunTheNode() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("do $$ begin"
                    + " if not exists (select 1 from pg_roles where rolname = 'node_reader') then create role node_reader login in role pgq_reader; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'node_writer') then create role node_writer login in role pgq_writer; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'node_admin') then create role node_admin login in role pgq_admin; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'node_nobody') then create role node_nobody login; end if;"
                    + " end $$");
        }
        try (Sql a = PG.db().openAs("node_admin")) {
            createRoot(a, "q", "n1", "w1", "dbname=n1");
            expect(a, 200, "Location registered", "register_location", "q", "n2", "dbname=n2", false);
            expect(a, 200, "Node attributes updated", "set_node_attrs", "q", "a=1");
            assertThat(a.value("select pgq_node.maint_watermark('q')")).isEqualTo(0);
        }
        try (Sql r = PG.db().openAs("node_reader")) {
            expect(r, 200, "Subscriber registered: n2", "register_subscriber", "q", "n2", "w2", null);
            expect(r, 100, "watermark already set", "set_subscriber_watermark", "q", "n2", 1L);
            expect(r, 100, "Ok", "get_node_info", "q");
            expect(r, 100, "Ok", "get_consumer_state", "q", "w1");
            assertThat(r.rows("select * from pgq_node.get_queue_locations('q')")).hasSize(2);
            assertThat(r.rows("select * from pgq_node.get_subscriber_info('q')")).hasSize(1);
            assertThat(r.rows("select * from pgq_node.get_consumer_info('q')")).hasSize(1);
            assertThat(r.value("select pgq_node.is_root_node('q')")).isEqualTo(true);
            assertThat(r.error("select * from pgq_node.set_consumer_completed('q', 'w1', 1)"))
                    .startsWith("permission denied for function set_consumer_completed");
            assertThat(r.error("select * from pgq_node.create_node('x', 'root', 'n1', 'w', null, null, null)"))
                    .startsWith("permission denied for function create_node");
            assertThat(r.error("delete from pgq_node.node_location")).startsWith("permission denied for table node_location");
            expect(r, 200, "Subscriber unregistered: n2", "unregister_subscriber", "q", "n2");
        }
        try (Sql w = PG.db().openAs("node_writer")) {
            expect(w, 200, "Consumer c registered on queue q", "register_consumer", "q", "c", "n1", 1L);
            expect(w, 100, "Consumer c completed tick = 1", "set_consumer_completed", "q", "c", 1L);
            expect(w, 100, "Consumer c error = x", "set_consumer_error", "q", "c", "x");
            expect(w, 200, "Consumer c tagged as paused", "set_consumer_paused", "q", "c", true);
            expect(w, 200, "Consumer uptodate = 1", "set_consumer_uptodate", "q", "c", true);
            expect(w, 200, "Consumer provider node set to : n2", "change_consumer_provider", "q", "c", "n2");
            expect(w, 200, "Consumer c unregistered from q", "unregister_consumer", "q", "c");
            expect(w, 100, "Ok", "get_node_info", "q");
            assertThat(w.error("select * from pgq_node.get_worker_state('q')"))
                    .startsWith("permission denied for function get_worker_state");
            assertThat(w.error("select * from pgq_node.set_global_watermark('q', null)"))
                    .startsWith("permission denied for function set_global_watermark");
            assertThat(w.error("select * from pgq_node.register_location('q', 'n9', 'x', false)"))
                    .startsWith("permission denied for function register_location");
        }
        try (Sql n = PG.db().openAs("node_nobody")) {
            assertThat(n.value("select pgq_node.version()")).isEqualTo("3.5");
            assertThat(n.error("select * from pgq_node.get_node_info('q')")).startsWith("permission denied for function");
            assertThat(n.error("select * from pgq_node.register_subscriber('q', 'n2', 'w2', null)"))
                    .startsWith("permission denied for function");
            // is_root_node may be called by anyone but reads node_info with the caller's rights
            assertThat(n.error("select pgq_node.is_root_node('q')")).startsWith("permission denied for table node_info");
        }
        try (Sql a = PG.db().openAs("node_admin")) {
            expect(a, 100, "Ok", "get_worker_state", "q");
            expect(a, 200, "Node dropped: n1", "drop_node", "q", "n1");
        }
    }
}
