package io.camelskytools.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Installing our schema: first time, again over itself, and refusing over a PgQ that is not ours. */
@Tag("ours-only")
class SchemaInstallerTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    @Test
    void installTwiceKeepsQueuedEvents() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            assertThat(SchemaInstaller.installPgq(c)).isEqualTo(SchemaInstaller.Outcome.INSTALLED);
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(1, 50) g");
            assertThat(SchemaInstaller.installPgq(c)).isEqualTo(SchemaInstaller.Outcome.UPGRADED);
            s.exec("select pgq.insert_event('q', 't', 'after')");
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            assertThat(s.column("select ev_data from pgq.get_batch_events(?)", batch)).hasSize(51).endsWith("after");
            assertThat(PgqSchema.inspect(c).kind()).isEqualTo(PgqSchema.Kind.OURS);
        }
    }

    @Test
    void refusesForeignPgqSchema() throws Exception {
        try (Connection c = PG.db().connect(); Sql s = new Sql(PG.db().connect())) {
            // what a plain-SQL Skytools install looks like to us: schema pgq without our marker
            s.exec("create schema pgq");
            s.exec("create function pgq.version() returns text language sql as $$ select '3.5' $$");
            assertThat(SchemaInstaller.installPgq(c)).isEqualTo(SchemaInstaller.Outcome.SKYTOOLS_PRESENT);
            // and the script itself refuses, for psql users
            assertThatThrownBy(() -> SchemaInstaller.run(c, SqlScript.load(SchemaInstaller.PGQ_SCRIPT)))
                    .hasMessageContaining("schema pgq already exists and was not installed by camel-skytools");
            assertThat(s.value("select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                    + " where nspname = 'pgq'")).isEqualTo(1L);
        }
    }

    @Test
    void scriptIsTheFilePsqlRuns() {
        SqlScript script = SqlScript.load(SchemaInstaller.PGQ_SCRIPT);
        assertThat(script.chunks().get(0).strip()).endsWith("begin;");
        assertThat(script.chunks().get(script.chunks().size() - 1).strip()).isEqualTo("commit;");
        assertThat(String.join("", script.chunks())).contains("create or replace function pgq.next_batch_custom");
    }

    /**
     * A role that may not create event triggers (no superuser, as on most managed services)
     * installs all the same, is told so, and logutriga still sees a column added between
     * two transactions.
     */
    @Test
    void roleWithoutEventTriggerRightsInstallsAndTriggersKeepUp() throws Exception {
        try (Sql admin = PG.db().open()) {
            admin.exec("do $$ begin if not exists (select 1 from pg_roles where rolname = 'pgq_installer') then"
                    + " create role pgq_installer login createrole; end if; end $$");
            admin.exec("grant create on database " + PG.db().name() + " to pgq_installer");
        }
        try (Connection c = PG.db().connectAs("pgq_installer"); Sql s = PG.db().openAs("pgq_installer")) {
            assertThat(SchemaInstaller.installPgq(c)).isEqualTo(SchemaInstaller.Outcome.INSTALLED);
            assertThat(s.value("select count(*) from pg_event_trigger where evtname = 'pgq_trg_ddl_epoch'")).isEqualTo(0L);
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("create schema app");
            s.exec("create table app.t (id int primary key, a text)");
            s.exec("create trigger _londiste_q after insert or update or delete on app.t for each row execute procedure pgq.logutriga('q')");
            s.exec("insert into app.t values (1, 'x')");
            s.exec("alter table app.t add column b text default 'y'");
            s.exec("insert into app.t values (2, 'x')");
            s.exec("update app.t set a = 'z' where id = 1");
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            assertThat(s.column("select ev_type || ' ' || ev_data from pgq.get_batch_events(?)", batch))
                    .containsExactly("I:id id=1&a=x", "I:id id=2&a=x&b=y", "U:id id=1&a=z&b=y");
        }
    }
}
