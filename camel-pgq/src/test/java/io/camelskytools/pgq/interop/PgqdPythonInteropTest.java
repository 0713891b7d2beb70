package io.camelskytools.pgq.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.schema.SchemaInstaller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Skytools tools against our schema: Debian's pgqd ticks it and moves retries, and a
 * consumer written with Debian's python3-pgq reads every event exactly once, retries
 * included (each retried event once more, with ev_retry = 1).
 */
@Tag("needs-debian")
class PgqdPythonInteropTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PGQD = "/usr/bin/pgqd";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void pgqdTicksAndPythonConsumerReadsEverythingOnce() throws Exception {
        assertThat(Path.of(PGQD)).as("pgqd (Debian package pgqd)").isExecutable();
        assertThat(Path.of("/usr/lib/python3/dist-packages/pgq/consumer.py")).as("python3-pgq").exists();
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"))) {
                c.createStatement().execute("create database interop");
            }
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("interop")))) {
                assertThat(SchemaInstaller.installPgq(s.connection())).isEqualTo(SchemaInstaller.Outcome.INSTALLED);
                s.exec("select pgq.create_queue('iq')");
                s.exec("select pgq.register_consumer('iq', 'pyc')");

                String connstr = "host=127.0.0.1 port=" + pg.port() + " user=postgres";
                Path out = dir.resolve("out.txt");
                Files.writeString(dir.resolve("pgqd.ini"), String.join("\n", "[pgqd]",
                        "base_connstr = " + connstr, "database_list = interop", "logfile = " + dir.resolve("pgqd.log"),
                        "pidfile = " + dir.resolve("pgqd.pid"), "ticker_period = 0.2", "retry_period = 0.5",
                        "maint_period = 1", "check_period = 1", "syslog = 0", ""));
                Files.writeString(dir.resolve("consumer.ini"), String.join("\n", "[interop_consumer]",
                        "job_name = interop_consumer", "db = " + connstr + " dbname=interop", "queue_name = iq",
                        "consumer_name = pyc", "loop_delay = 0.1", "pgq_lazy_fetch = 50",
                        "logfile = " + dir.resolve("consumer.log"), "pidfile = " + dir.resolve("consumer.pid"),
                        "output_file = " + out, ""));
                Path script = dir.resolve("pgq_consumer.py");
                try (InputStream in = getClass().getResourceAsStream("/interop/pgq_consumer.py")) {
                    Files.write(script, in.readAllBytes());
                }
                start(PGQD, dir.resolve("pgqd.ini").toString());
                start(PYTHON, script.toString(), dir.resolve("consumer.ini").toString());

                // several producing transactions while both run; every 10th event asks for a retry
                int total = 0;
                for (int tx = 0; tx < 5; tx++) {
                    s.exec("select pgq.insert_event('iq', 'test', case when g % 10 = 0 then 'retry:' else 'plain:' end || g)"
                            + " from generate_series(?, ?) g", tx * 100 + 1, tx * 100 + 100);
                    total += 100;
                }
                int retries = total / 10;
                int expectedLines = total + retries;
                await("python consumer output").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> lines(out).size() >= expectedLines);

                Map<String, Integer> seen = new HashMap<>();
                for (String line : lines(out)) {
                    String[] f = line.split(" ", 3);
                    seen.merge(f[2] + "@" + f[1], 1, Integer::sum);
                }
                for (int g = 1; g <= total; g++) {
                    String data = (g % 10 == 0 ? "retry:" : "plain:") + g;
                    assertThat(seen.get(data + "@0")).as(data).isEqualTo(1);
                    if (g % 10 == 0) {
                        assertThat(seen.get(data + "@1")).as(data + " retried").isEqualTo(1);
                    }
                }
                assertThat(seen).hasSize(expectedLines);
                // pgqd made the ticks and moved the retries
                assertThat(s.longValue("select count(*) from pgq.tick")).isGreaterThan(2);
                assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
                assertThat(Files.readString(dir.resolve("pgqd.log"))).contains("pgq version ok");
            }
        }
    }

    private void start(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(Path.of(cmd[0]).getFileName() + ".out").toFile()).start();
        processes.add(p);
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String l : Files.readString(file, StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }
}
