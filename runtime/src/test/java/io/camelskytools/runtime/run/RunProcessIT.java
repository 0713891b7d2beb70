package io.camelskytools.runtime.run;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.schema.SchemaInstaller;
import io.camelskytools.runtime.config.Connections;
import io.camelskytools.runtime.config.EmbeddedDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged skytools.jar as a user runs it, in its own JVM: Ctrl-C (SIGINT) finishes the
 * batch in hand and exits with a line naming the signal, and a database that is down at
 * start-up is waited for with a one-line log instead of a stack trace per attempt.
 */
class RunProcessIT {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    private Process process;
    private final StringBuffer output = new StringBuffer();

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void ctrlCFinishesTheBatchInHandAndExits() throws Exception {
        int events = 300;
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('work')");
            s.exec("select pgq.create_queue('done')");
            s.exec("select pgq.register_consumer('work', 'slow')");
            // one transaction: all events land in one batch
            s.exec("select pgq.insert_event('work', 'job', i::text) from generate_series(1, " + events + ") i");
        }
        // 10 ms per event: the batch takes about 3 s, so Ctrl-C comes in the middle of it
        Path routes = dir.resolve("slow.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: slow-worker",
                "    from:",
                "      uri: \"pgq:work?dataSource=#db-main&consumerName=slow\"",
                "      steps:",
                "        - delay:",
                "            constant: \"10\"",
                "        - log: \"slow-worker: job ${body}\"",
                "        - setHeader:",
                "            name: CamelPgqEventType",
                "            constant: processed",
                "        - to: \"pgq:done?dataSource=#db-main\"", ""));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.management.enabled = false", ""));
        start("run", "--config", cfg.toString(), "--routes", "file:" + routes);
        await().atMost(Duration.ofSeconds(60)).until(() -> output.indexOf("slow-worker: job") >= 0);

        long sigint = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited within 20 s of Ctrl-C; output:%n%s", output).isTrue();
        long tookMillis = (System.nanoTime() - sigint) / 1_000_000;

        try (Sql s = PG.db().open()) {
            // the batch was finished, not left open, and every event of it went through the route
            assertThat(s.value("select current_batch from pgq.get_consumer_info('work', 'slow')")).isNull();
            assertThat(s.longValue("select count(*) from pgq.event_template where ev_type = 'processed'"))
                    .as("events processed, after Ctrl-C %d ms; output:%n%s", tookMillis, output).isEqualTo(events);
        }
        assertThat(output).contains("shutting down").contains("stopping on Ctrl-C (SIGINT)");
        assertThat(lines(output.toString(), " WARN ")).as("warnings; output:%n%s", output).isEmpty();
        assertThat(lines(output.toString(), " ERROR ")).as("errors; output:%n%s", output).isEmpty();
    }

    @Test
    void aSecondCtrlCExitsAtOnceAndLeavesTheBatchForTheNextStart() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('work')");
            s.exec("select pgq.register_consumer('work', 'slow')");
            s.exec("select pgq.insert_event('work', 'job', i::text) from generate_series(1, 200) i");
        }
        // 200 ms per event: the batch would take 40 s
        Path routes = dir.resolve("slow.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: slow-worker",
                "    from:",
                "      uri: \"pgq:work?dataSource=#db-main&consumerName=slow\"",
                "      steps:",
                "        - delay:",
                "            constant: \"200\"",
                "        - log: \"slow-worker: job ${body}\"", ""));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.management.enabled = false", ""));
        start("run", "--config", cfg.toString(), "--routes", "file:" + routes);
        await().atMost(Duration.ofSeconds(60)).until(() -> output.indexOf("slow-worker: job") >= 0);

        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> output.indexOf("stopping on Ctrl-C (SIGINT)") >= 0);
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        assertThat(process.waitFor(8, TimeUnit.SECONDS)).as("exited at the second Ctrl-C; output:%n%s", output).isTrue();
        assertThat(process.exitValue()).isEqualTo(130);
        assertThat(output).contains("Ctrl-C (SIGINT) again: exiting now");
        try (Sql s = PG.db().open()) {
            assertThat(s.value("select current_batch from pgq.get_consumer_info('work', 'slow')"))
                    .as("the batch in hand stays open, for the next start").isNotNull();
        }
    }

    @Test
    void ctrlCOnTheEmbeddedDatabaseStopsItOnlyAfterTheBatchInHand() throws Exception {
        int events = 20;
        int port = freePort();
        Path data = dir.resolve("embedded/data");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, port);
             Connection c = Connections.open(db.config())) {
            SchemaInstaller.installPgq(c);
            PgqClient.createQueue(c, "work");
            PgqClient.createQueue(c, "done");
            PgqClient.registerConsumer(c, "work", "slow", null);
            // one statement: all events land in one batch
            c.createStatement().execute("select pgq.insert_event('work', 'job', i::text) from generate_series(1, "
                                        + events + ") i");
        }
        // 200 ms per event: the batch takes about 4 s, Ctrl-C comes in the middle of it
        Path routes = dir.resolve("slow.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: slow-worker",
                "    from:",
                "      uri: \"pgq:work?dataSource=#db-main&consumerName=slow\"",
                "      steps:",
                "        - delay:",
                "            constant: \"200\"",
                "        - log: \"slow-worker: job ${body}\"",
                "        - setHeader:",
                "            name: CamelPgqEventType",
                "            constant: processed",
                "        - to: \"pgq:done?dataSource=#db-main\"", ""));
        int mgmtPort = freePort();
        start(Map.of("SKYTOOLS_MANAGEMENT_PORT", Integer.toString(mgmtPort)), "run", "--data-dir", data.toString(), "--port",
                Integer.toString(port), "--routes", "file:" + routes);
        await().atMost(Duration.ofSeconds(90)).until(() -> output.indexOf("slow-worker: job") >= 0);

        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s of Ctrl-C; output:%n%s", output).isTrue();

        // the run stopped its server (else this start would find the port or the data directory taken)
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, port);
             Connection c = Connections.open(db.config())) {
            assertThat(QueryRows.list(c, "select current_batch from pgq.get_consumer_info('work', 'slow')").get(0))
                    .as("the batch was finished before the server stopped; output:%n%s", output)
                    .containsEntry("current_batch", null);
            assertThat(QueryRows.list(c, "select count(*) as n from pgq.event_template where ev_type = 'processed'")
                    .get(0).get("n")).as("every event went through the route once").isEqualTo((long) events);
        }
        assertThat(output).doesNotContain("57P01").doesNotContain("terminating connection due to administrator command");
        // a normal stop reads as one: the signal it was, no warnings or errors on the way out
        assertThat(output).contains("stopping on Ctrl-C (SIGINT)").doesNotContain("SIGTERM");
        assertThat(lines(output.toString(), " WARN ")).as("warnings; output:%n%s", output).isEmpty();
        assertThat(lines(output.toString(), " ERROR ")).as("errors; output:%n%s", output).isEmpty();
        // the addresses printed are the ones bound (Camel's own summary says 0.0.0.0 whatever the bind address)
        assertThat(output).contains("health on http://127.0.0.1:" + mgmtPort + "/observe/health").doesNotContain("0.0.0.0");
    }

    @Test
    void databaseDownAtStartIsWaitedFor() throws Exception {
        int port = freePort();
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "skytools.db.main.user = postgres",
                "skytools.db.main.password = hush-hush",
                "skytools.ticker.period = 200ms",
                "skytools.management.enabled = false", ""));
        Path routes = dir.resolve("late.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: late-reader",
                "    from:",
                "      uri: \"pgq:late?dataSource=#db-main&consumerName=reader\"",
                "      steps:",
                "        - log: \"late-reader: got ${body}\"", ""));
        start("run", "--config", cfg.toString(), "--routes", "file:" + routes);
        await().atMost(Duration.ofSeconds(90)).until(() -> output.indexOf("pgq-ticker-db-main: ") >= 0);
        String whileDown = output.toString();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("late/data"), port)) {
            try (Connection c = Connections.open(db.config())) {
                SchemaInstaller.installPgq(c);
                PgqClient.createQueue(c, "late");
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> output.indexOf("pgq-ticker-db-main: working again") >= 0);
            try (Connection c = Connections.open(db.config());
                 var rs = c.createStatement().executeQuery("select ticker_lag < interval '10 seconds'"
                                                           + " from pgq.get_queue_info('late')")) {
                assertThat(rs.next() && rs.getBoolean(1)).as("queue 'late' ticks").isTrue();
            }
            // the consumer that could not register at start does so now, and reads
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try (Connection c = Connections.open(db.config())) {
                    return !QueryRows.list(c, "select 1 from pgq.get_consumer_info('late', 'reader')").isEmpty();
                }
            });
            try (Connection c = Connections.open(db.config())) {
                c.createStatement().execute("select pgq.insert_event('late', 'note', 'hello')");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> output.indexOf("late-reader: got hello") >= 0);
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(output).contains("stopping on SIGTERM");
        assertThat(whileDown).contains("database main jdbc:postgresql://127.0.0.1:" + port)
                .doesNotContain("hush-hush")
                .doesNotContain("\tat ");
        assertThat(lines(whileDown, "pgq-ticker-db-main: ")).as("ticker outage lines:%n%s", whileDown).hasSize(1);
    }

    private void start(String... args) throws IOException {
        start(Map.of(), args);
    }

    private void start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        pb.environment().putAll(env);
        process = pb.start();
        Thread reader = new Thread(() -> copy(process.getInputStream()), "skytools-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void copy(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            output.append("\n(output read failed: ").append(e).append(")\n");
        }
    }

    private static List<String> lines(String text, String marker) {
        return text.lines().filter(l -> l.contains(marker)).toList();
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("skytools.jar", "target/skytools.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged jar at " + jar.toAbsolutePath() + ": run mvn verify (failsafe"
                                            + " runs after package)");
        }
        return jar;
    }
}
