package io.camelskytools.runtime.cli.londiste;

import static io.camelskytools.runtime.cli.londiste.LondisteCommandTest.location;
import static io.camelskytools.runtime.cli.londiste.LondisteCommandTest.londiste;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skytools londiste leaf.ini worker} killed with kill -9 while it streams a large table
 * with COPY, several times, while the root keeps changing that table and a table already in
 * sync: each new worker starts the copy again from scratch, and in the end both tables are
 * the root's (every increment once: nothing applied twice, nothing lost).
 */
class LondisteCopyKillProcessIT {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final int KILLS = 3;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
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
    void copyKilledMidCopyStartsAgainAndAppliesEverythingOnce() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        Path root = ini("root", rootDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql l = leafDb.open(); Connection tick = rootDb.connect()) {
            String ddl = "create table public.big (id int primary key, v int, pad text);"
                         + " create table public.small (id int primary key, v int)";
            r.exec(ddl);
            l.exec(ddl);
            r.exec("insert into big select i, 0, repeat('x', 200) from generate_series(1, 600000) i");
            r.exec("insert into small select i, 0 from generate_series(1, 100) i");
            assertThat(londiste(root, "create-root", "n1", location(rootDb)).exit()).isZero();
            assertThat(londiste(leaf, "create-leaf", "n2", location(leafDb), "--provider=" + location(rootDb)).exit())
                    .isZero();
            assertThat(londiste(root, "add-table", "big", "small").exit()).isZero();
            assertThat(londiste(leaf, "add-table", "small").exit()).isZero();
            ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleWithFixedDelay(() -> {
                try (var st = tick.createStatement()) {
                    st.execute("select pgq.ticker()");
                } catch (Exception e) {
                    // the server goes at the end of the test
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            Process first = start(leaf);
            assertThat(londiste(leaf, "wait-sync", "--timeout", "60").exit()).isZero();
            first.destroy();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            // the root writes on, in small transactions, all through the kills
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                try (Sql w = rootDb.open()) {
                    for (int i = 0; loading.get(); i++) {
                        w.exec("update big set v = v + 1 where id > ? and id <= ? + 600", i % 1000 * 600, i % 1000 * 600);
                        w.exec("update small set v = v + 1 where id = ?", 1 + i % 100);
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            load.start();
            assertThat(londiste(leaf, "add-table", "big").exit()).isZero();
            for (int k = 1; k <= KILLS; k++) {
                Process worker = start(leaf);
                // kill -9 only while the COPY into the leaf is streaming rows
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> l.longValue(
                        "select count(*) from pg_stat_progress_copy p join pg_class c on c.oid = p.relid"
                        + " where c.relname = 'big' and p.tuples_processed > 0") > 0);
                assertThat(l.value("select merge_state from londiste.get_table_list('cliq')"
                                   + " where table_name = 'public.big'")).isEqualTo("in-copy");
                new ProcessBuilder("kill", "-9", Long.toString(worker.pid())).start().waitFor();
                assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
                // the half copy is gone with the killed transaction
                await().atMost(Duration.ofSeconds(30)).until(() -> l.longValue(
                        "select count(*) from pg_stat_progress_copy") == 0);
                assertThat(l.longValue("select count(*) from big")).isZero();
            }
            start(leaf);
            InProcessCli.Result synced = londiste(leaf, "wait-sync", "--timeout", "300");
            assertThat(synced.exit()).as(synced.out() + synced.err()).isZero();
            loading.set(false);
            load.join();
            String sum = "select count(*), sum(v), sum(id), sum(length(pad)) from big";
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(l.row(sum)).isEqualTo(r.row(sum));
                        assertThat(l.row("select count(*), sum(v) from small"))
                                .isEqualTo(r.row("select count(*), sum(v) from small"));
                    });
            assertThat(r.longValue("select sum(v) from big")).isPositive();
            InProcessCli.Result compared = londiste(leaf, "compare");
            assertThat(compared.exit()).as(compared.out() + compared.err()).isZero();
            // the killed copies left no consumer behind on the root
            await().atMost(Duration.ofSeconds(30)).until(() -> r.column(
                    "select consumer_name from pgq.get_consumer_info('cliq')").stream()
                    .noneMatch(c -> String.valueOf(c).contains(".copy.")));
        }
    }

    private Path ini(String name, TestDb db) throws IOException {
        Path ini = dir.resolve(name + ".ini");
        Files.writeString(ini, String.join("\n", "[londiste]", "job_name = lond_" + name, "db = " + location(db),
                "queue_name = cliq", "loop_delay = 0.1", "lock_timeout = 60", ""));
        return ini;
    }

    private Process start(Path ini) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar().toString(), "londiste", ini.toString(), "worker");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker-" + processes.size() + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("skytools.jar", "target/skytools.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged jar at " + jar.toAbsolutePath() + ": run mvn verify");
        }
        return jar;
    }
}
