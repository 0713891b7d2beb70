package io.camelskytools.runtime.cli.walmgr;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.SystemPgServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, item 2: docs/walmgr.md's archive_command path, as written, with the packaged jar
 * run as root the way the howto runs it: the jar installed world-readable, walmgr.properties
 * 0600 root's, the archive directory postgres', setup, the restart, setup again, a backup, a
 * restore started as postgres. archive_command runs as postgres and must not need the
 * config file it cannot read.
 */
@Tag("needs-debian")
class WalmgrArchiveCommandHowtoIT {

    private record Run(int exit, String output) {
    }

    @RegisterExtension
    final WalmgrScratch scratch = new WalmgrScratch("walmgr-howto-");

    @Test
    void archiveCommandAsDocumentedArchivesAsPostgresAndBackupAndRestoreWork() throws Exception {
        Path dir = scratch.dir();
        // install -m 644 runtime/target/skytools.jar /usr/local/lib/skytools.jar
        Path lib = Files.createDirectories(dir.resolve("usr-local-lib"));
        Path jar = Files.copy(Path.of(System.getProperty("skytools.jar", "target/skytools.jar")), lib.resolve("skytools.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        // install -d -o postgres -g postgres /var/lib/walmgr /var/lib/walmgr/log
        Path varLib = Files.createDirectories(dir.resolve("var-lib-walmgr"));
        WalmgrScratch.sh("chown", "postgres:postgres", varLib.toString());
        Path etc = Files.createDirectories(dir.resolve("etc-walmgr"));
        SystemPgServer primary = scratch.startPrimary();
        String url = "jdbc:postgresql://127.0.0.1:" + primary.port() + "/postgres?user=postgres";
        Path cfg = etc.resolve("walmgr.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.walmgr.primary.url = " + url,
                "skytools.walmgr.primary.password = secret",
                "skytools.walmgr.archive = " + varLib.resolve("archive"),
                "skytools.walmgr.keep-backups = 3", ""));
        Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-------"));

        Run setup = walmgr(jar, cfg, "setup", "--archive-command");
        assertThat(setup.output()).contains("archive_command tried as postgres: walmgr archive_command: postgres can write")
                .contains("restart PostgreSQL to apply archive_mode");
        primary.stop("fast");
        primary.restart();
        assertThat(walmgr(jar, cfg, "setup", "--archive-command").output()).contains("primary ready");

        exec(url, "create table orders(id int primary key, note text)");
        exec(url, "insert into orders select g, 'before the backup' from generate_series(1, 100) g");
        long started = System.nanoTime();
        Run backup = walmgr(jar, cfg, "backup", "--name", "b1", "--archive-timeout", "120");
        assertThat(backup.output()).contains("backup b1");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(120));
        exec(url, "insert into orders select g, 'after the backup' from generate_series(101, 200) g");
        String switched = query(url, "select pg_walfile_name(pg_switch_wal())");
        Path wal = varLib.resolve("archive").resolve("wal");
        await("archive_command archives " + switched + " as postgres").atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(wal.resolve(switched + ".sha256")) && Files.exists(wal.resolve(switched)));
        assertThat(query(url, "select failed_count from pg_stat_archiver")).as("archive_command failures").isEqualTo("0");
        assertThat(walmgr(jar, cfg, "verify", "--backup", "b1").output()).contains("OK");

        int port = freePort();
        Path pitr = varLib.resolve("pitr");
        assertThat(walmgr(jar, cfg, "restore", pitr.toString(), "--set", "port=" + port).output())
                .contains("restored backup b1");
        scratch.startRestored(pitr, port);
        String restored = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        await("recovery ends").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> "f".equals(query(restored, "select pg_is_in_recovery()")));
        assertThat(query(restored, "select count(*) from orders")).isEqualTo("200");
    }

    /** The packaged jar as root runs it from a shell; the command must succeed. */
    private static Run walmgr(Path jar, Path cfg, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "walmgr", "--config", cfg.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                out.append("(output lost: ").append(e).append(')');
            }
        });
        reader.start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        reader.join(10_000);
        assertThat(done).as("walmgr %s finished; output so far:%n%s", String.join(" ", args), out).isTrue();
        assertThat(p.exitValue()).as("walmgr %s:%n%s", String.join(" ", args), out).isZero();
        return new Run(p.exitValue(), out.toString());
    }

    private static void exec(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
