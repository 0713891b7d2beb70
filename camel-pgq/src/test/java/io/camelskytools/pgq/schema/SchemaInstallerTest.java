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
}
