package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shape of londiste as clients see it, written down from Skytools' londiste-sql 3.8
 * (Debian postgresql-15-londiste-sql): every function with its argument and result names and
 * types, whether it runs as its owner, its volatility and strictness, who may call it
 * ("default": PostgreSQL's default, everyone); the tables' columns and constraints; the
 * privileges on tables and sequences; the two roles. Ours must match it line for line, plus
 * our own additions.
 */
class LondisteSurfaceTest extends LondisteTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    /** name(arguments) -> result [definer] volatility [strict] grantees other than the owner. */
    static final String FUNCTIONS = """
            _coordinate_copy(i_queue_name text, i_table_name text, OUT copy_role text, OUT copy_pos integer) -> record s strict londiste_reader,londiste_writer
            create_partition(i_table text, i_part text, i_pkeys text, i_part_field text, i_part_time timestamp with time zone, i_part_period text) -> integer v londiste_writer
            create_trigger(i_queue_name text, i_table_name text, i_trg_args text[], i_dest_table text, i_node_type text, OUT ret_code integer, OUT ret_note text, OUT trigger_name text) -> record v londiste_writer
            drop_obsolete_partitions(i_parent_table text, i_retention_period interval, i_partition_period text) -> SETOF text v londiste_writer
            drop_table_fkey(i_from_table text, i_fkey_name text) -> integer v strict londiste_writer
            drop_table_triggers(i_queue_name text, i_table_name text) -> void v strict londiste_writer
            execute_finish(i_queue_name text, i_file_name text, OUT ret_code integer, OUT ret_note text) -> record v strict londiste_writer
            execute_start(i_queue_name text, i_file_name text, i_sql text, i_expect_root boolean, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            execute_start(i_queue_name text, i_file_name text, i_sql text, i_expect_root boolean, i_attrs text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            find_column_types(tbl text) -> text s strict public
            find_rel_oid(i_fqname text, i_kind text) -> oid s strict public
            find_seq_oid(seq text) -> oid s strict public
            find_table_fkeys(i_table_name text) -> SETOF londiste.pending_fkeys s strict public
            find_table_oid(tbl text) -> oid s strict public
            get_seq_list(i_queue_name text, OUT seq_name text, OUT last_value bigint, OUT local boolean) -> SETOF record v strict londiste_reader,londiste_writer
            get_table_list(i_queue_name text, OUT table_name text, OUT local boolean, OUT merge_state text, OUT custom_snapshot text, OUT table_attrs text, OUT dropped_ddl text, OUT copy_role text, OUT copy_pos integer, OUT dest_table text) -> SETOF record s strict londiste_reader,londiste_writer
            get_table_pending_fkeys(i_table_name text) -> SETOF londiste.pending_fkeys s strict londiste_writer
            get_valid_pending_fkeys(i_queue_name text) -> SETOF londiste.pending_fkeys s strict londiste_writer
            global_add_table(i_queue_name text, i_table_name text, OUT ret_code integer, OUT ret_note text) -> record v strict londiste_writer
            global_remove_seq(i_queue_name text, i_seq_name text, OUT ret_code integer, OUT ret_note text) -> record v strict londiste_writer
            global_remove_table(i_queue_name text, i_table_name text, OUT ret_code integer, OUT ret_note text) -> record v strict londiste_writer
            global_update_seq(i_queue_name text, i_seq_name text, i_value bigint, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            is_obsolete_partition(i_partition_table text, i_retention_period interval, i_partition_period text) -> boolean v londiste_writer
            is_replica_func(func_oid oid) -> boolean s strict public
            list_obsolete_partitions(i_parent_table text, i_retention_period interval, i_partition_period text) -> SETOF text v londiste_writer
            local_add_seq(i_queue_name text, i_seq_name text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            local_add_table(i_queue_name text, i_table_name text, OUT ret_code integer, OUT ret_note text) -> record v strict londiste_writer
            local_add_table(i_queue_name text, i_table_name text, i_trg_args text[], OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            local_add_table(i_queue_name text, i_table_name text, i_trg_args text[], i_table_attrs text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            local_add_table(i_queue_name text, i_table_name text, i_trg_args text[], i_table_attrs text, i_dest_table text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            local_change_handler(i_queue_name text, i_table_name text, i_trg_args text[], i_table_attrs text, OUT ret_code integer, OUT ret_note text) -> record v default
            local_remove_seq(i_queue_name text, i_seq_name text, OUT ret_code integer, OUT ret_note text) -> record v strict londiste_writer
            local_remove_table(i_queue_name text, i_table_name text, OUT ret_code integer, OUT ret_note text) -> record v strict londiste_writer
            local_set_table_attrs(i_queue_name text, i_table_name text, i_table_attrs text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            local_set_table_state(i_queue_name text, i_table_name text, i_snapshot text, i_merge_state text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            local_set_table_struct(i_queue_name text, i_table_name text, i_dropped_ddl text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer
            local_show_missing(i_queue_name text, OUT obj_kind text, OUT obj_name text) -> SETOF record s strict londiste_writer
            make_fqname(i_name text) -> text i strict public
            periodic_maintenance() -> integer v londiste_writer,pgq_admin
            quote_fqname(i_name text) -> text i strict public
            restore_table_fkey(i_from_table text, i_fkey_name text, i_lazy boolean DEFAULT false) -> text v strict londiste_writer
            root_check_seqs(i_queue_name text, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer,pgq_admin
            root_check_seqs(i_queue_name text, i_buffer bigint, OUT ret_code integer, OUT ret_note text) -> record v londiste_writer,pgq_admin
            root_notify_change(i_queue_name text, i_ev_type text, i_ev_data text) -> integer v londiste_writer
            set_session_replication_role(val text, is_local boolean) -> void [definer] v londiste_writer
            split_fqname(i_fqname text, OUT schema_part text, OUT name_part text) -> record i strict public
            table_info_trigger() -> trigger v londiste_writer
            upgrade_schema() -> integer v londiste_writer
            version() -> text v public
            """;

    static final String COLUMNS = """
            applied_execute.queue_name text not null
            applied_execute.execute_file text not null
            applied_execute.execute_time timestamp with time zone not null default now()
            applied_execute.execute_sql text not null
            applied_execute.execute_attrs text
            pending_fkeys.from_table text not null
            pending_fkeys.to_table text not null
            pending_fkeys.fkey_name text not null
            pending_fkeys.fkey_def text not null
            seq_info.nr integer not null default nextval('londiste.seq_info_nr_seq'::regclass)
            seq_info.queue_name text not null
            seq_info.seq_name text not null
            seq_info.local boolean not null default false
            seq_info.last_value bigint not null
            table_info.nr integer not null default nextval('londiste.table_info_nr_seq'::regclass)
            table_info.queue_name text not null
            table_info.table_name text not null
            table_info.local boolean not null default false
            table_info.merge_state text
            table_info.custom_snapshot text
            table_info.dropped_ddl text
            table_info.table_attrs text
            table_info.dest_table text
            """;

    static final String CONSTRAINTS = """
            londiste.applied_execute applied_execute_pkey PRIMARY KEY (execute_file)
            londiste.pending_fkeys pending_fkeys_pkey PRIMARY KEY (from_table, fkey_name)
            londiste.seq_info seq_info_pkey PRIMARY KEY (queue_name, seq_name)
            londiste.seq_info seq_info_queue_name_fkey FOREIGN KEY (queue_name) REFERENCES pgq_node.node_info(queue_name) ON DELETE CASCADE
            londiste.table_info table_info_check CHECK (((dropped_ddl IS NULL) OR (merge_state = ANY (ARRAY['in-copy'::text, 'catching-up'::text]))))
            londiste.table_info table_info_pkey PRIMARY KEY (queue_name, table_name)
            londiste.table_info table_info_queue_name_fkey FOREIGN KEY (queue_name) REFERENCES pgq_node.node_info(queue_name) ON DELETE CASCADE
            """;

    static final String PRIVILEGES = """
            applied_execute londiste_reader:SELECT,pgq_admin:DELETE,pgq_admin:INSERT,pgq_admin:SELECT,pgq_admin:UPDATE,public:SELECT
            pending_fkeys londiste_reader:SELECT,pgq_admin:DELETE,pgq_admin:INSERT,pgq_admin:SELECT,pgq_admin:UPDATE,public:SELECT
            seq_info londiste_reader:SELECT,pgq_admin:DELETE,pgq_admin:INSERT,pgq_admin:SELECT,pgq_admin:UPDATE,public:SELECT
            seq_info_nr_seq londiste_writer:USAGE
            table_info londiste_reader:SELECT,pgq_admin:DELETE,pgq_admin:INSERT,pgq_admin:SELECT,pgq_admin:UPDATE,public:SELECT
            table_info_nr_seq londiste_writer:USAGE
            """;

    @Test
    void everyFunctionWithItsSignatureSecurityAndGrants() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select p.proname || '(' || pg_get_function_arguments(p.oid) || ') -> ' || pg_get_function_result(p.oid) || case when p.prosecdef then ' [definer]' else '' end || ' ' || p.provolatile::text || case when p.proisstrict then ' strict' else '' end || ' ' || case when p.proacl is null then 'default' else coalesce((select string_agg(case when a.grantee = 0 then 'public' else r.rolname end, ',' order by case when a.grantee = 0 then 'public' else r.rolname end) from pg_catalog.aclexplode(p.proacl) a left join pg_catalog.pg_roles r on r.oid = a.grantee where a.grantee <> p.proowner), '') end from pg_catalog.pg_proc p where p.pronamespace = 'londiste'::regnamespace and p.proname not in ('camel_skytools_version', '_partition_suffix', '_has_column') order by 1"))
                    .containsExactlyElementsOf(FUNCTIONS.strip().lines().toList());
            // ours adds its marker (for everyone) and two internal helpers (for no one)
            assertThat(s.column("select p.proname || ' ' || coalesce(array_to_string(p.proacl, ','), '')"
                    + " from pg_catalog.pg_proc p where p.pronamespace = 'londiste'::regnamespace"
                    + " and p.proname in ('camel_skytools_version', '_partition_suffix', '_has_column') order by 1"))
                    .hasSize(skytools() ? 0 : 3)
                    .allSatisfy(f -> assertThat(f.toString()).matches("(_partition_suffix|_has_column) [^=,]+=X/[^,]*|camel_skytools_version (.*,)?=X/.*"));
        }
    }

    @Test
    void tablesColumnsConstraintsAndPrivileges() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || case when a.attnotnull then ' not null' else '' end || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum where c.relnamespace = 'londiste'::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped order by c.relname, a.attnum"))
                    .containsExactlyElementsOf(COLUMNS.strip().lines().toList());
            assertThat(s.column("select conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) from pg_catalog.pg_constraint where connamespace = 'londiste'::regnamespace order by 1"))
                    .containsExactlyElementsOf(CONSTRAINTS.strip().lines().toList());
            assertThat(s.column("select c.relname || ' ' || string_agg(case when a.grantee = 0 then 'public' else r.rolname end || ':' || a.privilege_type, ',' order by case when a.grantee = 0 then 'public' else r.rolname end, a.privilege_type) from pg_catalog.pg_class c cross join pg_catalog.aclexplode(c.relacl) a left join pg_catalog.pg_roles r on r.oid = a.grantee where c.relnamespace = 'londiste'::regnamespace and c.relkind in ('r', 'S') and a.grantee <> c.relowner group by c.relname order by 1"))
                    .containsExactlyElementsOf(PRIVILEGES.strip().lines().toList());
            assertThat(s.column("select relname from pg_catalog.pg_class where relnamespace = 'londiste'::regnamespace"
                    + " and relkind = 'r' order by 1"))
                    .containsExactly("applied_execute", "pending_fkeys", "seq_info", "table_info");
        }
    }

    @Test
    void theTableInfoTriggerRolesAndVersion() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select pg_get_triggerdef(oid) from pg_catalog.pg_trigger"
                    + " where tgrelid = 'londiste.table_info'::regclass and not tgisinternal"))
                    .containsExactly("CREATE TRIGGER table_info_trigger_sync BEFORE DELETE ON londiste.table_info"
                            + " FOR EACH ROW EXECUTE FUNCTION londiste.table_info_trigger()");
            assertThat(s.column("select r.rolname || ' in ' || m.rolname from pg_catalog.pg_roles r"
                    + " join pg_catalog.pg_auth_members am on am.member = r.oid"
                    + " join pg_catalog.pg_roles m on m.oid = am.roleid"
                    + " where r.rolname like 'londiste%' order by 1"))
                    .containsExactly("londiste_reader in pgq_reader", "londiste_writer in pgq_admin");
            assertThat(s.value("select has_schema_privilege('public', 'londiste', 'usage')")).isEqualTo(true);
            // londiste3 parses it as integers and compares it with [3, 7] (decisions.md)
            assertThat(s.value("select londiste.version()")).isEqualTo("3.8");
            assertThat(s.value("select londiste.upgrade_schema()")).isEqualTo(0);
        }
    }
}
