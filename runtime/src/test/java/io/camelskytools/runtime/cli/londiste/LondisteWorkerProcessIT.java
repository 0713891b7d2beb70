package io.camelskytools.runtime.cli.londiste;

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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar skytools.jar londiste leaf.ini worker} as a process: it copies and then
 * replicates, SIGINT stops it cleanly (exit 0, no error, no stack trace), and a kill -9 in the middle of
 * the load loses nothing once a new worker runs.
 */
class LondisteWorkerProcessIT {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final StringBuffer output = new StringBuffer();
    private ScheduledExecutorService ticker;

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    @Test
    void workerReplicatesStopsOnSigintAndSurvivesKill9() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        Path root = ini("root", rootDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql l = leafDb.open(); Connection tick = rootDb.connect()) {
            r.exec("create table public.acc (id int primary key, v int)");
            l.exec("create table public.acc (id int primary key, v int)");
            r.exec("insert into acc select i, 0 from generate_series(1, 20000) i");
            assertThat(LondisteCommandTest.londiste(root, "create-root", "n1", LondisteCommandTest.location(rootDb)).exit())
                    .isZero();
            assertThat(LondisteCommandTest.londiste(leaf, "create-leaf", "n2", LondisteCommandTest.location(leafDb),
                    "--provider=" + LondisteCommandTest.location(rootDb)).exit()).isZero();
            assertThat(LondisteCommandTest.londiste(root, "add-table", "acc").exit()).isZero();
            assertThat(LondisteCommandTest.londiste(leaf, "add-table", "acc").exit()).isZero();
            ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleWithFixedDelay(() -> {
                try (var st = tick.createStatement()) {
                    st.execute("select pgq.ticker()");
                } catch (Exception e) {
                    // the server goes at the end of the test
                }
            }, 0, 100, TimeUnit.MILLISECONDS);

            Process worker = start(leaf);
            assertThat(LondisteCommandTest.londiste(leaf, "wait-sync", "--timeout", "60").exit()).isZero();
            r.exec("update acc set v = v + 1 where id <= 5000");
            awaitSame(r, l);

            // kill -9 while the root writes: the next worker picks up where the target says
            Thread load = new Thread(() -> {
                try (Sql w = rootDb.open()) {
                    for (int i = 0; i < 400; i++) {
                        w.exec("update acc set v = v + 1 where id % 400 = ?", i);
                        w.exec("insert into acc values (?, 7)", 100_000 + i);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            load.start();
            // kill only once the load is under way
            await().atMost(Duration.ofSeconds(30)).until(() -> r.longValue("select count(*) from acc where id >= 100000") > 0);
            new ProcessBuilder("kill", "-9", Long.toString(worker.pid())).start().waitFor();
            assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Process second = start(leaf);
            load.join();
            awaitSame(r, l);

            // pause is acknowledged by the running worker; nothing is applied until resume
            InProcessCli.Result paused = LondisteCommandTest.londiste(leaf, "pause", "--timeout", "30");
            assertThat(paused.exit()).as(paused.out() + paused.err()).isZero();
            assertThat(paused.out()).contains("Consumer 'lond_leaf' on node 'n2' paused");
            long tickBefore = l.longValue("select last_tick_id from pgq_node.local_state where consumer_name = 'lond_leaf'");
            // five changes, each in a tick of its own on the root (the worker looks every 100 ms): the leaf stays put
            for (int i = 1; i <= 5; i++) {
                long rootTick = r.longValue("select last_tick_id from pgq.get_queue_info('cliq')");
                r.exec("update acc set v = ? where id = 1", -i);
                await().atMost(Duration.ofSeconds(30)).until(() -> r.longValue(
                        "select last_tick_id from pgq.get_queue_info('cliq')") > rootTick);
            }
            assertThat(l.longValue("select last_tick_id from pgq_node.local_state where consumer_name = 'lond_leaf'"))
                    .isEqualTo(tickBefore);
            assertThat((Integer) l.value("select v from acc where id = 1")).isGreaterThanOrEqualTo(0);
            assertThat(LondisteCommandTest.londiste(leaf, "resume", "--timeout", "30").exit()).isZero();
            awaitSame(r, l);
            assertThat(l.longValue("select last_tick_id from pgq_node.local_state where consumer_name = 'lond_leaf'"))
                    .isGreaterThan(tickBefore);

            // compare: equal, then a row changed behind replication's back is found
            InProcessCli.Result same = LondisteCommandTest.londiste(leaf, "compare");
            assertThat(same.exit()).as(same.out() + same.err()).isZero();
            assertThat(same.out()).contains("public.acc: provider: 20400 rows, checksum=")
                    .doesNotContain("do not match");
            l.exec("set session_replication_role = replica; update acc set v = 999 where id = 2;"
                   + " set session_replication_role = origin");
            InProcessCli.Result differs = LondisteCommandTest.londiste(leaf, "compare", "acc");
            assertThat(differs.exit()).isEqualTo(1);
            assertThat(differs.out()).contains("public.acc: Results do not match!");

            new ProcessBuilder("kill", "-INT", Long.toString(second.pid())).start().waitFor();
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("worker exits after SIGINT").isTrue();
            // Ctrl-C is a normal stop
            assertThat(second.exitValue()).isZero();
            assertThat(output.toString()).contains("worker lond_leaf stopped").doesNotContain("\tat ")
                    .doesNotContain("ERROR");
        }
    }

    private static void awaitSame(Sql r, Sql l) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                l.row("select count(*), sum(v), sum(id) from acc")).isEqualTo(r.row("select count(*), sum(v), sum(id) from acc")));
    }

    private Path ini(String name, TestDb db) throws IOException {
        Path ini = dir.resolve(name + ".ini");
        Files.writeString(ini, String.join("\n", "[londiste]", "job_name = lond_" + name,
                "db = " + LondisteCommandTest.location(db), "queue_name = cliq", "loop_delay = 0.1", ""));
        return ini;
    }

    private Process start(Path ini) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar().toString(), "londiste", ini.toString(), "worker");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        Thread reader = new Thread(() -> copy(p.getInputStream()), "worker-output");
        reader.setDaemon(true);
        reader.start();
        return p;
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

    private static Path jar() {
        Path jar = Path.of(System.getProperty("skytools.jar", "target/skytools.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged jar at " + jar.toAbsolutePath() + ": run mvn verify");
        }
        return jar;
    }

}
