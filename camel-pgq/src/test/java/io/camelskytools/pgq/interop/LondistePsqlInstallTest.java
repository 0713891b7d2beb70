package io.camelskytools.pgq.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.schema.SchemaInstaller;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * sql/londiste/install.sql with the real psql, against the real Skytools packages: after our
 * PgQ and pgq_node, again over itself keeping table states, over Skytools' pgq and pgq_node
 * extensions (works: londiste uses their API), and refused where Skytools' londiste already is
 * or pgq_node is not.
 */
@Tag("needs-debian")
class LondistePsqlInstallTest {

    private static final Path SQL = Path.of(System.getProperty("pgtest.sqlDir", "../sql"));
    private static final Path PGQ = SQL.resolve("pgq/install.sql");
    private static final Path NODE = SQL.resolve("pgq_node/install.sql");
    private static final Path LONDISTE = SQL.resolve("londiste/install.sql");

    @Test
    void psqlInstallsOverEitherPgqNodeAndRefusesSkytoolsLondiste() throws Exception {
        assertThat(LONDISTE).exists();
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("postgres")))) {
                for (String db : List.of("ours", "nonode", "skynode", "skyext")) {
                    s.exec("create database " + db);
                }
            }

            // ours on ours, twice; the table and its state survive the second run
            assertThat(psql(pg, "ours", PGQ).exit).isZero();
            assertThat(psql(pg, "ours", NODE).exit).isZero();
            Result first = psql(pg, "ours", LONDISTE);
            assertThat(first.exit).as(first.output).isZero();
            try (Sql s = sql(pg, "ours")) {
                rootWithTable(s, "ours");
                s.exec("select * from londiste.local_set_table_attrs('q', 'public.t', 'handler=x')");
            }
            Result again = psql(pg, "ours", LONDISTE);
            assertThat(again.exit).as(again.output).isZero();
            try (Sql s = sql(pg, "ours")) {
                assertThat(s.row("select table_name, merge_state, table_attrs from londiste.get_table_list('q')"))
                        .containsEntry("table_name", "public.t").containsEntry("merge_state", "ok")
                        .containsEntry("table_attrs", "handler=x");
                assertThat(s.value("select count(*) from pg_trigger where tgrelid = 'public.t'::regclass")).isEqualTo(2L);
            }

            assertThat(psql(pg, "nonode", PGQ).exit).isZero();
            Result noNode = psql(pg, "nonode", LONDISTE);
            assertThat(noNode.exit).isNotZero();
            assertThat(noNode.output).contains("londiste: pgq_node is missing");
            try (Sql s = sql(pg, "nonode")) {
                assertThat(s.value("select count(*) from pg_namespace where nspname = 'londiste'")).isEqualTo(0L);
            }

            // ours on Skytools' pgq and pgq_node extensions
            try (Sql s = sql(pg, "skynode")) {
                s.exec("create extension pgq");
                s.exec("create extension pgq_node");
            }
            Result onSkyNode = psql(pg, "skynode", LONDISTE);
            assertThat(onSkyNode.exit).as(onSkyNode.output).isZero();
            try (Sql s = sql(pg, "skynode")) {
                rootWithTable(s, "skynode");
                s.exec("insert into public.t values (1)");
                assertThat(s.column("select ev_type from pgq.event_template order by ev_id"))
                        .containsExactly("londiste.add-table", "I:id");
            }

            try (Sql s = sql(pg, "skyext")) {
                s.exec("create extension pgq");
                s.exec("create extension pgq_node");
                s.exec("create extension londiste");
                Result refused = psql(pg, "skyext", LONDISTE);
                assertThat(refused.exit).isNotZero();
                assertThat(refused.output).contains("already has Skytools londiste 3.8 installed as an extension");
                assertThat(SchemaInstaller.installLondiste(s.connection())).isEqualTo(SchemaInstaller.Outcome.SKYTOOLS_PRESENT);
                assertThat(s.value("select to_regprocedure('londiste.camel_skytools_version()')")).isNull();
            }
        }
    }

    private static void rootWithTable(Sql s, String db) throws Exception {
        s.exec("select * from pgq_node.register_location('q', 'n1', 'dbname=" + db + "', false)");
        s.exec("select * from pgq_node.create_node('q', 'root', 'n1', 'w1', null, null, null)");
        s.exec("create table public.t (id int primary key)");
        assertThat(s.row("select * from londiste.local_add_table('q', 't')")).containsEntry("ret_code", 200)
                .containsEntry("ret_note", "Table added: public.t");
    }

    private record Result(int exit, String output) {
    }

    private static Sql sql(SystemPgServer pg, String db) throws Exception {
        return new Sql(DriverManager.getConnection(pg.jdbcUrl(db)));
    }

    private static Result psql(SystemPgServer pg, String db, Path file) throws Exception {
        Process p = new ProcessBuilder(List.of(pg.binDir() + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", Integer.toString(pg.port()), "-U", "postgres", "-d", db, "-f", file.toAbsolutePath().toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
