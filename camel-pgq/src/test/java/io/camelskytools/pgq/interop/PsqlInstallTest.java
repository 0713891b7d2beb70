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
import io.camelskytools.pgq.schema.PgqSchema;
import io.camelskytools.pgq.schema.SchemaInstaller;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's install command, with the real psql: installs, installs again, and refuses
 * a database that has Skytools' PgQ extension (which Java then uses as it is).
 */
@Tag("needs-debian")
class PsqlInstallTest {

    private static final Path INSTALL = Path.of(System.getProperty("pgtest.sqlDir", "../sql"), "pgq", "install.sql");

    @Test
    void psqlInstallsUpgradesAndRefusesSkytools() throws Exception {
        assertThat(INSTALL).exists();
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("postgres")))) {
                s.exec("create database ours");
                s.exec("create database skytools");
            }
            assertThat(psql(pg, "ours").exit).isZero();
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("ours")))) {
                s.exec("select pgq.create_queue('q')");
                s.exec("select pgq.insert_event('q', 't', 'kept')");
            }
            Result again = psql(pg, "ours");
            assertThat(again.exit).as(again.output).isZero();
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("ours")))) {
                assertThat(s.longValue("select count(*) from pgq.event_1")).isEqualTo(1);
                assertThat(PgqSchema.inspect(s.connection()).kind()).isEqualTo(PgqSchema.Kind.OURS);
            }

            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("skytools")))) {
                s.exec("create extension pgq");
                Result refused = psql(pg, "skytools");
                assertThat(refused.exit).isNotZero();
                assertThat(refused.output).contains("already has Skytools PgQ 3.5 installed as an extension");
                assertThat(SchemaInstaller.installPgq(s.connection())).isEqualTo(SchemaInstaller.Outcome.SKYTOOLS_PRESENT);
                // untouched: still the extension's own functions, nothing of ours
                assertThat(s.value("select to_regprocedure('pgq.camel_skytools_version()')")).isNull();
                assertThat(s.value("select extversion from pg_extension where extname = 'pgq'")).isEqualTo("3.5");
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result psql(SystemPgServer pg, String db) throws Exception {
        Process p = new ProcessBuilder(List.of(pg.binDir() + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", Integer.toString(pg.port()), "-U", "postgres", "-d", db, "-f", INSTALL.toAbsolutePath().toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

}
