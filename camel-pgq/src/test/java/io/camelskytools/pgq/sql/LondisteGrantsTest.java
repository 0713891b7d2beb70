package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may do what, as roles in use would find it: londiste_writer (the replay and admin
 * tools) runs londiste, londiste_reader reads the lists, everyone reads the tables and uses
 * the name helpers; the replication role is set through the one security-definer function.
 */
class LondisteGrantsTest extends LondisteTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @Test
    void writersRunItReadersReadItEveryoneReadsTheTables() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("do $$ begin"
                    + " if not exists (select 1 from pg_roles where rolname = 'lond_writer') then create role lond_writer login in role londiste_writer; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'lond_reader') then create role lond_reader login in role londiste_reader; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'lond_nobody') then create role lond_nobody login; end if;"
                    + " end $$");
            root(s, "q");
            s.exec("create table public.t (id int primary key)");
            s.exec("create sequence public.s1");
            // the replicated objects themselves are the application's to grant
            s.exec("grant select, update on sequence public.s1 to lond_writer");
            expect(s, 200, "Table added: public.t", "local_add_table", "q", "t");
        }
        try (Sql w = PG.db().openAs("lond_writer")) {
            // londiste_writer is in pgq_admin: it changes the tables and sends events
            expect(w, 200, "Sequence added: public.s1", "local_add_seq", "q", "s1");
            expect(w, 100, "Sequences updated", "root_check_seqs", "q");
            expect(w, 200, "Table public.t state set to 'ok'", "local_set_table_state", "q", "t", null, "ok");
            expect(w, 200, "Executing: a.sql", "execute_start", "q", "a.sql", "select 1", true);
            expect(w, 200, "Execute finished: a.sql", "execute_finish", "q", "a.sql");
            assertThat(w.rows("select * from londiste.get_table_list('q')")).hasSize(1);
            // not a superuser, and still sets the replication role for replay
            w.exec("select londiste.set_session_replication_role('replica', false)");
            assertThat(w.value("show session_replication_role")).isEqualTo("replica");
            assertThat(w.value("select londiste.periodic_maintenance()")).isEqualTo(0);
        }
        try (Sql r = PG.db().openAs("lond_reader")) {
            assertThat(r.rows("select * from londiste.get_table_list('q')")).hasSize(1);
            assertThat(r.rows("select * from londiste.get_seq_list('q')")).hasSize(1);
            assertThat(r.error("select * from londiste.local_add_table('q', 't')"))
                    .startsWith("permission denied for function local_add_table");
            assertThat(r.error("select * from londiste.root_check_seqs('q')"))
                    .startsWith("permission denied for function root_check_seqs");
            assertThat(r.error("select londiste.set_session_replication_role('replica', false)"))
                    .startsWith("permission denied for function set_session_replication_role");
            assertThat(r.error("delete from londiste.table_info")).startsWith("permission denied for table table_info");
        }
        try (Sql n = PG.db().openAs("lond_nobody")) {
            assertThat(n.value("select count(*) from londiste.table_info")).isEqualTo(1L);
            assertThat(n.value("select londiste.make_fqname('t') || ' ' || londiste.quote_fqname('a.B')")).isEqualTo("public.t a.\"B\"");
            assertThat(n.value("select londiste.version()")).isEqualTo("3.8");
            assertThat(n.error("select * from londiste.get_table_list('q')"))
                    .startsWith("permission denied for function get_table_list");
            assertThat(n.error("select * from londiste.execute_start('q', 'b.sql', 'select 1', true)"))
                    .startsWith("permission denied for function execute_start");
            // local_change_handler keeps PostgreSQL's default grant, as in Skytools; what it
            // does still needs the tables' privileges
            assertThat(n.error("select * from londiste.local_change_handler('q', 'public.t', '{}', null)"))
                    .startsWith("permission denied for");
        }
    }

    @Test
    void theReplicationRoleFunctionIgnoresTheCallersSearchPath() throws Exception {
        if (skytools()) {
            return;     // Skytools' runs with the caller's search_path (compatibility.md)
        }
        try (Sql s = PG.db().open()) {
            assertThat(s.value("select array_to_string(proconfig, ',') from pg_proc"
                    + " where oid = 'londiste.set_session_replication_role(text, bool)'::regprocedure"))
                    .isEqualTo("search_path=pg_catalog, pg_temp");
            assertThat(s.value("select count(*) from pg_proc where pronamespace = 'londiste'::regnamespace and prosecdef"))
                    .isEqualTo(1L);
        }
    }
}
