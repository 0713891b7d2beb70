package io.camelskytools.londiste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.compare.TableCompare;
import io.camelskytools.londiste.config.LondisteConfig;
import io.camelskytools.londiste.worker.LondisteWorker;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our Londiste and Skytools' python londiste3 in one cascade, both ways, under pgbench load
 * with pgqd ticking, each node configured by one londiste3 ini file that both tools read:
 * a python root (Skytools' real extensions) feeding our leaf, and our root (our schemas)
 * feeding a python leaf. After the load the tables are identical.
 */
@Tag("needs-debian")
class Londiste3InteropTest {

    private static final String LONDISTE = "/usr/bin/londiste";
    private static final String PGQD = "/usr/bin/pgqd";
    private static final List<String> TABLES = List.of("public.pgbench_accounts", "public.pgbench_branches",
            "public.pgbench_tellers", "public.pgbench_history");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<WorkerLoop> workers = new ArrayList<>();

    /** Workers and processes stop before their server does (the tests call it in finally), and after a failure. */
    @AfterEach
    void stop() throws Exception {
        for (WorkerLoop w : workers) {
            w.stop(Duration.ofSeconds(30));
        }
        workers.clear();
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }

    @Test
    void pythonRootFeedsOurLeaf() throws Exception {
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            String cs = "host=127.0.0.1 port=" + pg.port() + " user=postgres";
            prepare(pg, cs);
            try (Sql root = sql(pg, "rootdb"); Sql leaf = sql(pg, "leafdb"); AutoCloseable stopFirst = this::stop) {
                assertThat(londiste("rootdb", "create-root", "n1", cs + " dbname=rootdb"))
                        .contains("Node \"n1\" initialized for queue \"pgb\" with type \"root\"");
                LondisteConfig leafConfig = LondisteConfig.load(dir.resolve("leafdb.ini"));
                assertThat(leafConfig.unknownKeys()).isEmpty();
                new NodeSetup(leafConfig.queueName(), leafConfig.jobName()).createSubscriber(leaf.connection(), "leaf",
                        "n2", leafConfig.db(), cs + " dbname=rootdb");
                List<String> add = new ArrayList<>(List.of("add-table"));
                add.addAll(TABLES);
                londiste("rootdb", add.toArray(String[]::new));
                start("pgqd", PGQD, dir.resolve("pgqd.ini").toString());
                start("rootworker", LONDISTE, dir.resolve("rootdb.ini").toString(), "worker");

                Process load = pgbench(pg, "rootdb", 8);
                assertThat(new TableSetup(leafConfig.queueName()).addTables(leaf.connection(), TABLES, false,
                        AddTableOptions.DEFAULTS)).allMatch(TableSetup.Outcome::ok);
                workers.add(ourWorker(leafConfig));
                assertThat(load.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(load.exitValue()).isZero();
                awaitIdentical(root, leaf);
                bothToolsCompareEqual(leafConfig);
            }
        }
    }

    @Test
    void ourRootFeedsAPythonLeaf() throws Exception {
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            String cs = "host=127.0.0.1 port=" + pg.port() + " user=postgres";
            prepare(pg, cs);
            try (Sql root = sql(pg, "rootdb"); Sql leaf = sql(pg, "leafdb"); AutoCloseable stopFirst = this::stop) {
                LondisteConfig rootConfig = LondisteConfig.load(dir.resolve("rootdb.ini"));
                new NodeSetup(rootConfig.queueName(), rootConfig.jobName()).createRoot(root.connection(), "n1",
                        rootConfig.db());
                assertThat(new TableSetup(rootConfig.queueName()).addTables(root.connection(), TABLES, false,
                        AddTableOptions.DEFAULTS)).allMatch(TableSetup.Outcome::ok);
                assertThat(londiste("leafdb", "create-leaf", "n2", cs + " dbname=leafdb",
                        "--provider=" + cs + " dbname=rootdb"))
                        .contains("Node \"n2\" initialized for queue \"pgb\" with type \"leaf\"");
                start("pgqd", PGQD, dir.resolve("pgqd.ini").toString());
                workers.add(ourWorker(rootConfig));

                Process load = pgbench(pg, "rootdb", 8);
                List<String> add = new ArrayList<>(List.of("add-table"));
                add.addAll(TABLES);
                londiste("leafdb", add.toArray(String[]::new));
                start("leafworker", LONDISTE, dir.resolve("leafdb.ini").toString(), "worker");
                assertThat(load.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(load.exitValue()).isZero();
                awaitIdentical(root, leaf);
                bothToolsCompareEqual(LondisteConfig.load(dir.resolve("leafdb.ini")));
            }
        }
    }

    /** Two databases with pgbench's tables (history with a key, as Londiste needs), the ini files, pgqd's. */
    private void prepare(SystemPgServer pg, String cs) throws Exception {
        try (Sql s = sql(pg, "postgres")) {
            s.exec("create database rootdb");
            s.exec("create database leafdb");
        }
        run(pg.binDir() + "/pgbench", "-i", "-q", "-s", "1", "-h", "127.0.0.1", "-p", Integer.toString(pg.port()),
                "-U", "postgres", "rootdb");
        try (Sql root = sql(pg, "rootdb")) {
            root.exec("alter table pgbench_history add column hid bigserial primary key");
        }
        run(pg.binDir() + "/pg_dump", "-s", "-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", "postgres",
                "-t", "pgbench_*", "-f", dir.resolve("schema.sql").toString(), "rootdb");
        run(pg.binDir() + "/psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Integer.toString(pg.port()),
                "-U", "postgres", "-d", "leafdb", "-f", dir.resolve("schema.sql").toString());
        for (String db : List.of("rootdb", "leafdb")) {
            Files.writeString(dir.resolve(db + ".ini"), String.join("\n",
                    "[londiste]", "job_name = lond_%(config_name)s", "db = " + cs + " dbname=" + db,
                    "queue_name = pgb", "logfile = " + dir.resolve(db + ".log"),
                    "pidfile = " + dir.resolve(db + ".pid"), "loop_delay = 0.2", "").replace("%(config_name)s", db));
        }
        Files.writeString(dir.resolve("pgqd.ini"), String.join("\n", "[pgqd]", "base_connstr = " + cs,
                "database_list = rootdb,leafdb", "logfile = " + dir.resolve("pgqd.log"),
                "pidfile = " + dir.resolve("pgqd.pid"), "ticker_period = 0.2", "maint_period = 1", "check_period = 1",
                "syslog = 0", ""));
    }

    private WorkerLoop ourWorker(LondisteConfig cf) {
        WorkerLoop loop = new WorkerLoop(new LondisteWorker(cf.workerSettings()), Duration.ofMillis(100),
                Duration.ofSeconds(1));
        Thread t = new Thread(loop, "our-worker-" + cf.jobName());
        t.start();
        return loop;
    }

    private Process pgbench(SystemPgServer pg, String db, int seconds) throws IOException {
        Process p = new ProcessBuilder(pg.binDir() + "/pgbench", "-n", "-c", "2", "-T", Integer.toString(seconds),
                "-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", "postgres", db).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgbench.out").toFile()).start();
        processes.add(p);
        return p;
    }

    private void awaitIdentical(Sql root, Sql leaf) {
        await("the leaf holds what the root holds").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(leaf.longValue("select count(*) from londiste.table_info where local and merge_state = 'ok'"))
                            .as("tables in sync on the leaf").isEqualTo(TABLES.size());
                    for (String t : TABLES) {
                        assertThat(contents(leaf, t)).as(t).isEqualTo(contents(root, t));
                    }
                });
        for (WorkerLoop w : workers) {
            assertThat(w.lastFailure()).isNull();
        }
    }

    /** londiste3's compare and ours on the leaf: every table equal to the root's at one point of the queue. */
    private void bothToolsCompareEqual(LondisteConfig leafConfig) throws Exception {
        String python = londiste("leafdb", "compare");
        assertThat(python).doesNotContain("do not match");
        List<TableCompare.Result> ours = new TableCompare(leafConfig.queueName(), Duration.ofSeconds(30), false, false)
                .compare(leafConfig.jdbcUrl(), List.of());
        assertThat(ours).extracting(TableCompare.Result::table).containsExactlyInAnyOrderElementsOf(TABLES);
        assertThat(ours).allMatch(r -> r.skipped() == null && !r.differs());
    }

    private static String contents(Sql s, String table) throws Exception {
        return String.valueOf(s.row("select count(*) as n, coalesce(sum(hashtext(t::text)::bigint), 0) as sum from "
                                    + table + " t"));
    }

    /** Runs londiste3 on a node's ini; fails unless it exits 0. Its output. */
    private String londiste(String db, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LONDISTE, dir.resolve(db + ".ini").toString()));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    private String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", List.of(cmd), out).isZero();
        return out;
    }

    private void start(String name, String... cmd) throws IOException {
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start());
    }

    private static Sql sql(SystemPgServer pg, String db) throws Exception {
        return new Sql(DriverManager.getConnection(pg.jdbcUrl(db)));
    }
}
