package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shape of pgq_node as clients see it, written down from Skytools' pgq_node 3.5 (Debian
 * postgresql-15-pgq-node): every function with its argument and result names and types,
 * whether it runs as its owner, who may call it; the tables' columns and constraint names;
 * the table privileges. Ours must match it line for line, plus our own additions.
 */
class PgqNodeSurfaceTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqNode();

    /** name(arguments) -> result [definer] grantees other than the owner. */
    static final String FUNCTIONS = """
            change_consumer_provider(i_queue_name text, i_consumer_name text, i_new_provider text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_writer
            create_node(i_queue_name text, i_node_type text, i_node_name text, i_worker_name text, i_provider_name text, i_global_watermark bigint, i_combined_queue text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            demote_root(i_queue_name text, i_step integer, i_new_provider text, OUT ret_code integer, OUT ret_note text, OUT last_tick bigint) -> record [definer] pgq_admin
            drop_node(i_queue_name text, i_node_name text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            get_consumer_info(i_queue_name text, OUT consumer_name text, OUT provider_node text, OUT last_tick_id bigint, OUT paused boolean, OUT uptodate boolean, OUT cur_error text) -> SETOF record [definer] pgq_admin,pgq_reader,pgq_writer
            get_consumer_state(i_queue_name text, i_consumer_name text, OUT ret_code integer, OUT ret_note text, OUT node_type text, OUT node_name text, OUT completed_tick bigint, OUT provider_node text, OUT provider_location text, OUT paused boolean, OUT uptodate boolean, OUT cur_error text) -> record [definer] pgq_admin,pgq_reader,pgq_writer
            get_node_info(i_queue_name text, OUT ret_code integer, OUT ret_note text, OUT node_type text, OUT node_name text, OUT global_watermark bigint, OUT local_watermark bigint, OUT provider_node text, OUT provider_location text, OUT combined_queue text, OUT combined_type text, OUT worker_name text, OUT worker_paused boolean, OUT worker_uptodate boolean, OUT worker_last_tick bigint, OUT node_attrs text, OUT target_for text[]) -> record [definer] pgq_admin,pgq_reader,pgq_writer
            get_queue_locations(i_queue_name text, OUT node_name text, OUT node_location text, OUT dead boolean) -> SETOF record [definer] pgq_admin,pgq_reader,pgq_writer
            get_subscriber_info(i_queue_name text, OUT node_name text, OUT worker_name text, OUT node_watermark bigint) -> SETOF record [definer] pgq_admin,pgq_reader,pgq_writer
            get_worker_state(i_queue_name text, OUT ret_code integer, OUT ret_note text, OUT node_type text, OUT node_name text, OUT completed_tick bigint, OUT provider_node text, OUT provider_location text, OUT paused boolean, OUT uptodate boolean, OUT cur_error text, OUT worker_name text, OUT global_watermark bigint, OUT local_watermark bigint, OUT local_queue_top bigint, OUT combined_queue text, OUT combined_type text) -> record [definer] pgq_admin
            is_leaf_node(i_queue_name text) -> boolean public
            is_root_node(i_queue_name text) -> boolean public
            maint_watermark(i_queue_name text) -> integer pgq_admin
            promote_branch(i_queue_name text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            register_consumer(i_queue_name text, i_consumer_name text, i_provider_node text, i_custom_tick_id bigint, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_writer
            register_location(i_queue_name text, i_node_name text, i_node_location text, i_dead boolean, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            register_subscriber(i_queue_name text, i_remote_node_name text, i_remote_worker_name text, i_custom_tick_id bigint, OUT ret_code integer, OUT ret_note text, OUT global_watermark bigint) -> record [definer] pgq_admin,pgq_reader,pgq_writer
            set_consumer_completed(i_queue_name text, i_consumer_name text, i_tick_id bigint, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_writer
            set_consumer_error(i_queue_name text, i_consumer_name text, i_error_msg text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_writer
            set_consumer_paused(i_queue_name text, i_consumer_name text, i_paused boolean, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_writer
            set_consumer_uptodate(i_queue_name text, i_consumer_name text, i_uptodate boolean, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_writer
            set_global_watermark(i_queue_name text, i_watermark bigint, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            set_node_attrs(i_queue_name text, i_node_attrs text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            set_partition_watermark(i_combined_queue_name text, i_part_queue_name text, i_watermark bigint, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            set_subscriber_watermark(i_queue_name text, i_node_name text, i_watermark bigint, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_reader,pgq_writer
            unregister_consumer(i_queue_name text, i_consumer_name text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_writer
            unregister_location(i_queue_name text, i_node_name text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin
            unregister_subscriber(i_queue_name text, i_remote_node_name text, OUT ret_code integer, OUT ret_note text) -> record [definer] pgq_admin,pgq_reader,pgq_writer
            upgrade_schema() -> integer pgq_admin
            version() -> text public
            """;

    static final String COLUMNS = """
            local_state.queue_name text not null
            local_state.consumer_name text not null
            local_state.provider_node text not null
            local_state.last_tick_id bigint not null
            local_state.cur_error text
            local_state.paused boolean not null default false
            local_state.uptodate boolean not null default false
            node_info.queue_name text not null
            node_info.node_type text not null
            node_info.node_name text not null
            node_info.worker_name text
            node_info.combined_queue text
            node_info.node_attrs text
            node_location.queue_name text not null
            node_location.node_name text not null
            node_location.node_location text not null
            node_location.dead boolean not null default false
            subscriber_info.queue_name text not null
            subscriber_info.subscriber_node text not null
            subscriber_info.worker_name text not null
            subscriber_info.watermark_name text not null
            """;

    static final String CONSTRAINTS = """
            pgq_node.local_state local_state_pkey p -> -
            pgq_node.local_state local_state_queue_name_fkey f -> pgq_node.node_info
            pgq_node.local_state local_state_queue_name_provider_node_fkey f -> pgq_node.node_location
            pgq_node.node_info node_info_check c -> -
            pgq_node.node_info node_info_node_type_check c -> -
            pgq_node.node_info node_info_pkey p -> -
            pgq_node.node_info node_info_queue_name_node_name_fkey f -> pgq_node.node_location
            pgq_node.node_location node_location_pkey p -> -
            pgq_node.subscriber_info subscriber_info_pkey p -> -
            pgq_node.subscriber_info subscriber_info_queue_name_fkey f -> pgq_node.node_info
            pgq_node.subscriber_info subscriber_info_queue_name_subscriber_node_fkey f -> pgq_node.node_location
            pgq_node.subscriber_info subscriber_info_watermark_name_fkey f -> pgq.consumer
            pgq_node.subscriber_info subscriber_info_worker_name_fkey f -> pgq.consumer
            """;

    @Test
    void everyFunctionWithItsSignatureSecurityAndGrants() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select p.proname || '(' || pg_get_function_arguments(p.oid) || ') -> '"
                    + " || pg_get_function_result(p.oid) || case when p.prosecdef then ' [definer]' else '' end || ' '"
                    + " || coalesce((select string_agg(case when a.grantee = 0 then 'public' else r.rolname end, ','"
                    + "   order by case when a.grantee = 0 then 'public' else r.rolname end)"
                    + "   from pg_catalog.aclexplode(p.proacl) a left join pg_catalog.pg_roles r on r.oid = a.grantee"
                    + "   where a.grantee <> p.proowner), '')"
                    + " from pg_catalog.pg_proc p where p.pronamespace = 'pgq_node'::regnamespace"
                    + " and p.proname not like '\\_%' and p.proname <> 'camel_skytools_version' order by 1"))
                    .containsExactlyElementsOf(FUNCTIONS.strip().lines().toList());
            // ours adds its marker (for everyone) and two internal helpers (for no one)
            assertThat(s.column("select p.proname || ' ' || coalesce(array_to_string(p.proacl, ','), '')"
                    + " from pg_catalog.pg_proc p where p.pronamespace = 'pgq_node'::regnamespace"
                    + " and (p.proname like '\\_%' or p.proname = 'camel_skytools_version') order by 1"))
                    .hasSize(skytools() ? 0 : 3)
                    .allSatisfy(f -> assertThat(f.toString()).matches(skytools() ? ".*"
                            : "(_queue_top|_watermarks) [^=]*=X/[^,]*|camel_skytools_version .*,=X/.*"));
        }
    }

    @Test
    void tablesColumnsAndConstraints() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                    + " || case when a.attnotnull then ' not null' else '' end"
                    + " || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')"
                    + " from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid"
                    + " left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
                    + " where c.relnamespace = 'pgq_node'::regnamespace and c.relkind = 'r' and a.attnum > 0"
                    + " and not a.attisdropped order by c.relname, a.attnum"))
                    .containsExactlyElementsOf(COLUMNS.strip().lines().toList());
            assertThat(s.column("select conrelid::regclass || ' ' || conname || ' ' || contype::text"
                    + " || coalesce(' -> ' || confrelid::regclass::text, '')"
                    + " from pg_catalog.pg_constraint where connamespace = 'pgq_node'::regnamespace order by 1"))
                    .containsExactlyElementsOf(CONSTRAINTS.strip().lines().toList());
            // pgq_node has only these four tables
            assertThat(s.column("select relname from pg_catalog.pg_class where relnamespace = 'pgq_node'::regnamespace"
                    + " and relkind = 'r' order by 1"))
                    .containsExactly("local_state", "node_info", "node_location", "subscriber_info");
        }
    }

    @Test
    void tablePrivilegesAndTheSchema() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select c.relname || ' ' || string_agg(r.rolname || ':' || a.privilege_type, ','"
                    + "   order by r.rolname, a.privilege_type)"
                    + " from pg_catalog.pg_class c cross join pg_catalog.aclexplode(c.relacl) a"
                    + " join pg_catalog.pg_roles r on r.oid = a.grantee"
                    + " where c.relnamespace = 'pgq_node'::regnamespace and c.relkind = 'r' and a.grantee <> c.relowner"
                    + " group by c.relname order by 1"))
                    .containsExactly(
                            "local_state " + PRIVS, "node_info " + PRIVS, "node_location " + PRIVS,
                            "subscriber_info " + PRIVS);
            assertThat(s.value("select has_schema_privilege('public', 'pgq_node', 'usage')")).isEqualTo(true);
            assertThat(s.value("select pgq_node.version()")).isEqualTo("3.5");
        }
    }

    static final String PRIVS = "pgq_admin:DELETE,pgq_admin:INSERT,pgq_admin:SELECT,pgq_admin:UPDATE,"
            + "pgq_reader:SELECT,pgq_writer:SELECT";
}
