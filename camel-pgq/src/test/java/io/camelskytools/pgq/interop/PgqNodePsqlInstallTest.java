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
 * sql/pgq_node/install.sql with the real psql, against the real Skytools packages: after our
 * PgQ, again over itself, over Skytools' PgQ extension (works: pgq_node uses PgQ's API), and
 * refused where Skytools' pgq_node already is (extension or its plain SQL) or PgQ is not.
 */
@Tag("needs-debian")
class PgqNodePsqlInstallTest {

    private static final Path SQL = Path.of(System.getProperty("pgtest.sqlDir", "../sql"));
    private static final Path PGQ = SQL.resolve("pgq/install.sql");
    private static final Path NODE = SQL.resolve("pgq_node/install.sql");
    private static final Path SKYTOOLS_PLAIN = Path.of("/usr/share/postgresql/15/contrib/pgq_node.sql");

    @Test
    void psqlInstallsOverEitherPgqAndRefusesSkytoolsPgqNode() throws Exception {
        assertThat(NODE).exists();
        assertThat(SKYTOOLS_PLAIN).as("postgresql-15-pgq-node's plain SQL").exists();
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("postgres")))) {
                for (String db : List.of("ours", "nopgq", "skypgq", "skyext", "skyplain")) {
                    s.exec("create database " + db);
                }
            }

            // ours on ours, twice; the node survives the second run
            assertThat(psql(pg, "ours", PGQ).exit).isZero();
            Result first = psql(pg, "ours", NODE);
            assertThat(first.exit).as(first.output).isZero();
            try (Sql s = sql(pg, "ours")) {
                s.exec("select * from pgq_node.register_location('q', 'n1', 'dbname=ours', false)");
                s.exec("select * from pgq_node.create_node('q', 'root', 'n1', 'w1', null, null, null)");
            }
            Result again = psql(pg, "ours", NODE);
            assertThat(again.exit).as(again.output).isZero();
            try (Sql s = sql(pg, "ours")) {
                assertThat(s.row("select ret_code, node_type, node_name from pgq_node.get_node_info('q')"))
                        .containsEntry("ret_code", 100).containsEntry("node_type", "root").containsEntry("node_name", "n1");
            }

            Result noPgq = psql(pg, "nopgq", NODE);
            assertThat(noPgq.exit).isNotZero();
            assertThat(noPgq.output).contains("pgq_node: PgQ is missing");
            try (Sql s = sql(pg, "nopgq")) {
                assertThat(s.value("select count(*) from pg_namespace where nspname = 'pgq_node'")).isEqualTo(0L);
            }

            // ours on Skytools' PgQ extension: a root, a subscriber, the watermark event
            try (Sql s = sql(pg, "skypgq")) {
                s.exec("create extension pgq");
            }
            Result onSkyPgq = psql(pg, "skypgq", NODE);
            assertThat(onSkyPgq.exit).as(onSkyPgq.output).isZero();
            try (Sql s = sql(pg, "skypgq")) {
                s.exec("select * from pgq_node.register_location('q', 'n1', 'dbname=skypgq', false)");
                assertThat(s.row("select * from pgq_node.create_node('q', 'root', 'n1', 'w1', null, null, null)"))
                        .containsEntry("ret_code", 200);
                s.exec("select * from pgq_node.register_location('q', 'n2', 'dbname=n2', false)");
                assertThat(s.row("select * from pgq_node.register_subscriber('q', 'n2', 'w2', null)"))
                        .containsEntry("ret_code", 200).containsEntry("global_watermark", 1L);
                assertThat(s.row("select * from pgq_node.set_global_watermark('q', null)"))
                        .containsEntry("ret_note", "Global watermark set to 1");
                assertThat(s.column("select ev_type from pgq.event_template order by ev_id"))
                        .containsExactly("pgq.location-info", "pgq.global-watermark");
            }

            try (Sql s = sql(pg, "skyext")) {
                s.exec("create extension pgq");
                s.exec("create extension pgq_node");
                Result refused = psql(pg, "skyext", NODE);
                assertThat(refused.exit).isNotZero();
                assertThat(refused.output).contains("already has Skytools pgq_node 3.5 installed as an extension");
                assertThat(SchemaInstaller.installPgqNode(s.connection())).isEqualTo(SchemaInstaller.Outcome.SKYTOOLS_PRESENT);
                assertThat(s.value("select to_regprocedure('pgq_node.camel_skytools_version()')")).isNull();
            }

            try (Sql s = sql(pg, "skyplain")) {
                s.exec("create extension pgq");
            }
            Result plain = psql(pg, "skyplain", SKYTOOLS_PLAIN);
            assertThat(plain.exit).as(plain.output).isZero();
            Result refusedPlain = psql(pg, "skyplain", NODE);
            assertThat(refusedPlain.exit).isNotZero();
            assertThat(refusedPlain.output).contains("schema pgq_node already exists and was not installed by camel-skytools");
            try (Sql s = sql(pg, "skyplain")) {
                assertThat(s.value("select to_regprocedure('pgq_node.camel_skytools_version()')")).isNull();
                // Skytools' own, untouched: its version() reads pg_extension, which has no pgq_node here
                assertThat(s.value("select pgq_node.version()")).isNull();
            }
        }
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
