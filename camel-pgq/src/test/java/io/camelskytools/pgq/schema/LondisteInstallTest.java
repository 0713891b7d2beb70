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
 * Installing our londiste from Java (the same file psql runs): needs PgQ and pgq_node,
 * installs in one transaction, installs again and upgrades older tables keeping the table
 * states, and refuses a londiste that is not ours.
 */
@Tag("ours-only")
class LondisteInstallTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    @Test
    void withoutPgqOrPgqNodeItSaysWhatIsMissingAndLeavesNothing() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            assertThatThrownBy(() -> SchemaInstaller.installLondiste(c))
                    .hasMessageContaining("londiste: PgQ is missing");
            SchemaInstaller.installPgq(c);
            assertThatThrownBy(() -> SchemaInstaller.installLondiste(c))
                    .hasMessageContaining("londiste: pgq_node is missing")
                    .hasMessageContaining("install pgq_node first (sql/pgq_node/install.sql)");
            assertThat(s.value("select count(*) from pg_namespace where nspname = 'londiste'")).isEqualTo(0L);
        }
    }

    @Test
    void installAgainKeepsTableStates() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            SchemaInstaller.installPgqNode(c);
            assertThat(SchemaInstaller.installLondiste(c)).isEqualTo(SchemaInstaller.Outcome.INSTALLED);
            withTables(s);
            List<Map<String, Object>> before = s.rows("select * from londiste.table_info order by nr");
            List<Object> triggers = s.column("select tgname from pg_trigger where tgrelid = 'public.t'::regclass order by 1");

            assertThat(SchemaInstaller.installLondiste(c)).isEqualTo(SchemaInstaller.Outcome.UPGRADED);
            assertThat(s.rows("select * from londiste.table_info order by nr")).isEqualTo(before);
            assertThat(s.column("select tgname from pg_trigger where tgrelid = 'public.t'::regclass order by 1"))
                    .isEqualTo(triggers);
            assertThat(s.column("select tgname from pg_trigger where tgrelid = 'londiste.table_info'::regclass"
                    + " and not tgisinternal")).containsExactly("table_info_trigger_sync");
            assertThat(s.row("select * from londiste.local_add_table('q', 't')")).containsEntry("ret_code", 200)
                    .containsEntry("ret_note", "Table already added: public.t");
        }
    }

    @Test
    void upgradeBringsBackWhatAnOlderInstallLacked() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            SchemaInstaller.installPgqNode(c);
            SchemaInstaller.installLondiste(c);
            withTables(s);
            // as londiste 3.1 had them: no dest_table nor execute_attrs, the check for in-copy
            // only, applied_execute keyed by queue too, the trigger after the delete
            s.exec("alter table londiste.table_info drop column dest_table");
            s.exec("alter table londiste.applied_execute drop column execute_attrs");
            s.exec("alter table londiste.table_info drop constraint table_info_check");
            s.exec("alter table londiste.table_info add constraint table_info_check"
                    + " check (dropped_ddl is null or merge_state = 'in-copy')");
            s.exec("alter table londiste.applied_execute drop constraint applied_execute_pkey");
            s.exec("alter table londiste.applied_execute add constraint applied_execute_pkey primary key (queue_name, execute_file)");
            s.exec("drop trigger table_info_trigger_sync on londiste.table_info");
            s.exec("create trigger table_info_trigger_sync after delete on londiste.table_info"
                    + " for each row execute procedure londiste.table_info_trigger()");
            List<Map<String, Object>> states = s.rows("select queue_name, table_name, local, merge_state from londiste.table_info order by nr");

            assertThat(SchemaInstaller.installLondiste(c)).isEqualTo(SchemaInstaller.Outcome.UPGRADED);
            assertThat(s.rows("select queue_name, table_name, local, merge_state from londiste.table_info order by nr"))
                    .isEqualTo(states);
            assertThat(s.value("select pg_get_constraintdef(oid) from pg_constraint where conname = 'table_info_check'"))
                    .asString().contains("catching-up");
            assertThat(s.value("select pg_get_constraintdef(oid) from pg_constraint where conname = 'applied_execute_pkey'"))
                    .isEqualTo("PRIMARY KEY (execute_file)");
            assertThat(s.value("select tgtype & 2 from pg_trigger where tgname = 'table_info_trigger_sync'")).isEqualTo(2);
            assertThat(s.row("select * from londiste.execute_start('q', 'a.sql', 'select 1', true, 'x=1')"))
                    .containsEntry("ret_code", 200);
            assertThat(s.value("select dest_table from londiste.table_info where table_name = 'public.t'")).isNull();
        }
    }

    @Test
    void aFailedInstallLeavesNothingHalfDone() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            SchemaInstaller.installPgqNode(c);
            // a function in the way with another result type: the install fails part way
            s.exec("create schema londiste");
            s.exec("create function londiste.camel_skytools_version() returns text language sql as $$ select '0' $$");
            s.exec("create function londiste.version() returns int language sql as $$ select 1 $$");
            assertThatThrownBy(() -> SchemaInstaller.installLondiste(c)).hasMessageContaining("cannot change return type");
            assertThat(s.value("select to_regclass('londiste.table_info')")).isNull();
        }
    }

    @Test
    void refusesALondisteThatIsNotOurs() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            SchemaInstaller.installPgq(c);
            SchemaInstaller.installPgqNode(c);
            s.exec("create schema londiste");
            s.exec("create table londiste.table_info (x int)");
            // the Java installer leaves it alone; the script itself refuses it
            assertThat(SchemaInstaller.installLondiste(c)).isEqualTo(SchemaInstaller.Outcome.SKYTOOLS_PRESENT);
            assertThatThrownBy(() -> SchemaInstaller.run(c, SqlScript.load(SchemaInstaller.LONDISTE_SCRIPT)))
                    .hasMessageContaining("schema londiste already exists and was not installed by camel-skytools");
            assertThat(s.column("select attname from pg_attribute where attrelid = 'londiste.table_info'::regclass"
                    + " and attnum > 0")).containsExactly("x");
        }
    }

    private static void withTables(Sql s) throws Exception {
        s.exec("select * from pgq_node.register_location('q', 'n1', 'dbname=n1', false)");
        s.exec("select * from pgq_node.create_node('q', 'root', 'n1', 'w1', null, null, null)");
        s.exec("create table public.t (id int primary key)");
        s.exec("create table public.u (id int primary key)");
        s.exec("select * from londiste.local_add_table('q', 't')");
        s.exec("select * from londiste.global_add_table('q', 'u')");
    }
}
