package io.camelskytools.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Installing our pgq_node from Java (the same file psql runs): needs PgQ, installs in one
 * transaction, installs again and upgrades older tables without losing a node's state, and
 * refuses a pgq_node that is not ours.
 */
@Tag("ours-only")
class PgqNodeInstallTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    @Test
    void withoutPgqItSaysWhatIsMissingAndLeavesNothing() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            assertThatThrownBy(() -> SchemaInstaller.installPgqNode(c))
                    .hasMessageContaining("pgq_node: PgQ is missing")
                    .hasMessageContaining("install PgQ first (sql/pgq/install.sql)");
            assertThat(s.value("select count(*) from pg_namespace where nspname = 'pgq_node'")).isEqualTo(0L);
        }
    }

    @Test
    void installAgainKeepsEveryNodesState() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            assertThat(SchemaInstaller.installPgqNode(c)).isEqualTo(SchemaInstaller.Outcome.INSTALLED);
            nodeWithState(s);
            List<Map<String, Object>> before = nodeTables(s);

            assertThat(SchemaInstaller.installPgqNode(c)).isEqualTo(SchemaInstaller.Outcome.UPGRADED);
            assertThat(nodeTables(s)).isEqualTo(before);
            assertThat(s.row("select ret_code, node_type, node_attrs from pgq_node.get_node_info('q')"))
                    .isEqualTo(Map.of("ret_code", 100, "node_type", "root", "node_attrs", "a=1"));
            // and it goes on working: the root still announces members
            s.exec("select * from pgq_node.register_location('q', 'n3', 'dbname=n3', false)");
            assertThat(s.column("select ev_data from pgq.event_template where ev_type = 'pgq.location-info' order by ev_id"))
                    .containsExactly("n2", "n3");
        }
    }

    @Test
    void upgradeBringsBackWhatAnOlderInstallLacked() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            SchemaInstaller.installPgqNode(c);
            nodeWithState(s);
            // an install from before node_attrs and set_node_attrs (pgq_node 3.0)
            s.exec("alter table pgq_node.node_info drop column node_attrs");
            s.exec("drop function pgq_node.set_node_attrs(text, text)");
            List<Map<String, Object>> subscribers = s.rows("select * from pgq_node.subscriber_info");
            List<Map<String, Object>> state = s.rows("select * from pgq_node.local_state");

            assertThat(SchemaInstaller.installPgqNode(c)).isEqualTo(SchemaInstaller.Outcome.UPGRADED);
            assertThat(s.rows("select * from pgq_node.subscriber_info")).isEqualTo(subscribers);
            assertThat(s.rows("select * from pgq_node.local_state")).isEqualTo(state);
            assertThat(s.row("select ret_code, node_attrs from pgq_node.get_node_info('q')"))
                    .containsEntry("ret_code", 100).containsEntry("node_attrs", null);
            assertThat(s.row("select * from pgq_node.set_node_attrs('q', 'b=2')")).containsEntry("ret_code", 200);
            assertThat(s.value("select pgq_node.upgrade_schema()")).isEqualTo(0);
        }
    }

    @Test
    void aFailedInstallLeavesNothingHalfDone() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            // passes the guard as ours, but a table in the way makes a later statement fail
            s.exec("create schema pgq_node");
            s.exec("create function pgq_node.camel_skytools_version() returns text language sql as $$ select '0' $$");
            s.exec("create table pgq_node.node_location (queue_name text)");
            assertThatThrownBy(() -> SchemaInstaller.installPgqNode(c)).hasMessageContaining("Installing")
                    .hasMessageContaining("pgq_node/install.sql failed");
            assertThat(s.column("select relname from pg_class where relnamespace = 'pgq_node'::regnamespace"
                    + " and relkind = 'r'")).containsExactly("node_location");
            assertThat(s.value("select count(*) from pg_proc where pronamespace = 'pgq_node'::regnamespace")).isEqualTo(1L);
        }
    }

    @Test
    void refusesAPgqNodeThatIsNotOurs() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            // what Skytools' plain-SQL install looks like to us: schema pgq_node without our marker
            s.exec("create schema pgq_node");
            s.exec("create function pgq_node.version() returns text language sql as $$ select null::text $$");
            assertThat(SchemaInstaller.installPgqNode(c)).isEqualTo(SchemaInstaller.Outcome.SKYTOOLS_PRESENT);
            assertThatThrownBy(() -> SchemaInstaller.run(c, SqlScript.load(SchemaInstaller.PGQ_NODE_SCRIPT)))
                    .hasMessageContaining("schema pgq_node already exists and was not installed by camel-skytools");
            assertThat(s.value("select count(*) from pg_proc where pronamespace = 'pgq_node'::regnamespace")).isEqualTo(1L);
        }
    }

    @Test
    void scriptIsTheFilePsqlRuns() {
        SqlScript script = SqlScript.load(SchemaInstaller.PGQ_NODE_SCRIPT);
        assertThat(script.chunks().get(0).strip()).endsWith("begin;");
        assertThat(script.chunks().get(script.chunks().size() - 1).strip()).isEqualTo("commit;");
        assertThat(String.join("", script.chunks())).contains("create or replace function pgq_node.create_node");
    }

    /** Root n1 of queue q with attributes, subscriber n2 and a cascaded consumer. */
    static void nodeWithState(Sql s) throws Exception {
        s.exec("select * from pgq_node.register_location('q', 'n1', 'dbname=n1', false)");
        s.exec("select * from pgq_node.create_node('q', 'root', 'n1', 'w1', null, null, null)");
        s.exec("select * from pgq_node.register_location('q', 'n2', 'dbname=n2', false)");
        s.exec("select * from pgq_node.register_subscriber('q', 'n2', 'w2', null)");
        s.exec("select * from pgq_node.register_consumer('q', 'c', 'n2', 1)");
        s.exec("select * from pgq_node.set_consumer_error('q', 'c', 'oops')");
        s.exec("select * from pgq_node.set_node_attrs('q', 'a=1')");
    }

    static List<Map<String, Object>> nodeTables(Sql s) throws Exception {
        return s.rows("select 'location' t, row(l.*)::text r from pgq_node.node_location l"
                + " union all select 'info', row(i.*)::text from pgq_node.node_info i"
                + " union all select 'state', row(s.*)::text from pgq_node.local_state s"
                + " union all select 'sub', row(b.*)::text from pgq_node.subscriber_info b"
                + " union all select 'consumer', queue_name || '/' || consumer_name || '/' || last_tick"
                + "   from pgq.get_consumer_info() order by 1, 2");
    }
}
