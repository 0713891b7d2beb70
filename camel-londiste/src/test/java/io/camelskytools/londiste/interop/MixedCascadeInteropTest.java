package io.camelskytools.londiste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.CascadeAdmin;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.config.LondisteConfig;
import io.camelskytools.londiste.worker.LondisteWorker;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mixed cascades of three nodes on three servers, our Londiste and Skytools' python londiste3
 * taking turns: a python branch between our root and our leaf, and our branch between a
 * python root and a python leaf. Rows reach the leaf through the other tool's branch, a table
 * added later arrives with its copy, the branch's queue holds the root's events and ticks,
 * and the cascade survives the other tool's admin commands (change-provider, takeover).
 * Each runs twice: every database with our schemas (sql/), then with Skytools' extensions.
 */
@Tag("needs-debian")
class MixedCascadeInteropTest {

    private static final String Q = "mixq";
    private static final List<String> FIRST = List.of("public.acc");
    private static final List<String> BOTH = List.of("public.acc", "public.late");

    @TempDir
    Path dir;

    private final List<WorkerLoop> ourWorkers = new ArrayList<>();
    private final List<Process> pythonWorkers = new ArrayList<>();
    private long nextId = 1000;

    @ParameterizedTest(name = "{0} schemas")
    @ValueSource(strings = {"ours", "skytools"})
    void aPythonBranchBetweenOurRootAndOurLeaf(String schemas) throws Exception {
        try (SystemPgServer s1 = SystemPgServer.start(PgTestConfig.bin());
             SystemPgServer s2 = SystemPgServer.start(PgTestConfig.bin());
             SystemPgServer s3 = SystemPgServer.start(PgTestConfig.bin());
             Sql n1 = node(s1, "node1", schemas); Sql n2 = node(s2, "node2", schemas);
             Sql n3 = node(s3, "node3", schemas);
             Londiste3Tools tools = new Londiste3Tools(dir); AutoCloseable ours = this::stopOurWorkers) {
            Path ini1 = tools.ini(s1, "node1", Q);
            Path ini2 = tools.ini(s2, "node2", Q);
            Path ini3 = tools.ini(s3, "node3", Q);
            String loc1 = Londiste3Tools.location(s1, "node1");
            String loc2 = Londiste3Tools.location(s2, "node2");
            tools.pgqd(s1, "node1");
            tools.pgqd(s2, "node2");
            tools.pgqd(s3, "node3");
            TableSetup tables = new TableSetup(Q);

            new NodeSetup(Q, "lond_node1").createRoot(n1.connection(), "n1", loc1);
            quickTicks(n1);
            assertThat(tables.addTables(n1.connection(), FIRST, false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            ourWorker(ini1);

            assertThat(tools.londiste(ini2, "create-branch", "n2", loc2, "--provider=" + loc1)).contains("Done");
            long created = new QueueHistory(n2, Q).lastTick();
            quickTicks(n2);
            tools.londiste(ini2, "add-table", "public.acc");
            pythonWorkers.add(tools.worker(ini2));

            new NodeSetup(Q, "lond_node3").createSubscriber(n3.connection(), "leaf", "n3",
                    Londiste3Tools.location(s3, "node3"), loc2);
            assertThat(tables.addTables(n3.connection(), FIRST, false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            ourWorker(ini3);

            changeRows(n1, "acc");
            awaitEqual(n1, List.of(n2, n3), FIRST);

            addLateTable(n1, n2, n3);
            assertThat(tables.addTables(n1.connection(), List.of("public.late"), false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            tools.londiste(ini2, "add-table", "public.late");
            assertThat(tables.addTables(n3.connection(), List.of("public.late"), false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            changeRows(n1, "late");
            awaitEqual(n1, List.of(n2, n3), BOTH);
            awaitSameQueue(n1, n2, created);

            List<String> said = new ArrayList<>();
            try (CascadeAdmin admin = new CascadeAdmin(Q, n3.connection(), Duration.ofSeconds(60), said::add)) {
                admin.changeProvider("n3", null, "n1");
                assertThat(provider(n3, "lond_node3")).isEqualTo("n1");
                changeRows(n1, "acc");
                awaitEqual(n1, List.of(n2, n3), BOTH);
                admin.changeProvider("n3", null, "n2");
                assertThat(provider(n3, "lond_node3")).isEqualTo("n2");
            }
            assertThat(said).contains("Consumer 'lond_node3' at node 'n3' reads from 'n1' now (was 'n2')",
                    "Consumer 'lond_node3' at node 'n3' reads from 'n2' now (was 'n1')");
            changeRows(n1, "late");
            awaitEqual(n1, List.of(n2, n3), BOTH);
            awaitSameQueue(n1, n2, created);
            assertNoWorkerInError(n1, n2, n3);
        }
    }

    @ParameterizedTest(name = "{0} schemas")
    @ValueSource(strings = {"ours", "skytools"})
    void ourBranchBetweenAPythonRootAndAPythonLeaf(String schemas) throws Exception {
        try (SystemPgServer s1 = SystemPgServer.start(PgTestConfig.bin());
             SystemPgServer s2 = SystemPgServer.start(PgTestConfig.bin());
             SystemPgServer s3 = SystemPgServer.start(PgTestConfig.bin());
             Sql n1 = node(s1, "node1", schemas); Sql n2 = node(s2, "node2", schemas);
             Sql n3 = node(s3, "node3", schemas);
             Londiste3Tools tools = new Londiste3Tools(dir); AutoCloseable ours = this::stopOurWorkers) {
            Path ini1 = tools.ini(s1, "node1", Q);
            Path ini2 = tools.ini(s2, "node2", Q);
            Path ini3 = tools.ini(s3, "node3", Q);
            String loc1 = Londiste3Tools.location(s1, "node1");
            String loc2 = Londiste3Tools.location(s2, "node2");
            tools.pgqd(s1, "node1");
            tools.pgqd(s2, "node2");
            tools.pgqd(s3, "node3");
            TableSetup tables = new TableSetup(Q);

            assertThat(tools.londiste(ini1, "create-root", "n1", loc1)).contains("Done");
            quickTicks(n1);
            tools.londiste(ini1, "add-table", "public.acc");
            pythonWorkers.add(tools.worker(ini1));

            new NodeSetup(Q, "lond_node2").createSubscriber(n2.connection(), "branch", "n2", loc2, loc1);
            long created = new QueueHistory(n2, Q).lastTick();
            quickTicks(n2);
            assertThat(tables.addTables(n2.connection(), FIRST, false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            ourWorker(ini2);

            assertThat(tools.londiste(ini3, "create-leaf", "n3", Londiste3Tools.location(s3, "node3"),
                    "--provider=" + loc2)).contains("Done");
            tools.londiste(ini3, "add-table", "public.acc");
            pythonWorkers.add(tools.worker(ini3));

            changeRows(n1, "acc");
            awaitEqual(n1, List.of(n2, n3), FIRST);

            addLateTable(n1, n2, n3);
            tools.londiste(ini1, "add-table", "public.late");
            assertThat(tables.addTables(n2.connection(), List.of("public.late"), false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            tools.londiste(ini3, "add-table", "public.late");
            changeRows(n1, "late");
            awaitEqual(n1, List.of(n2, n3), BOTH);
            awaitSameQueue(n1, n2, created);

            // our takeover: the branch becomes the root, the python root its branch
            try (CascadeAdmin admin = new CascadeAdmin(Q, n2.connection(), Duration.ofSeconds(60), line -> { })) {
                admin.takeover("n1", "n2", false, CascadeAdmin.OldNode.ALIVE);
            }
            assertThat(n2.value("select node_type from pgq_node.node_info")).isEqualTo("root");
            assertThat(n1.value("select node_type from pgq_node.node_info")).isEqualTo("branch");
            assertThat(provider(n1, "lond_node1")).isEqualTo("n2");
            changeRows(n2, "acc");
            changeRows(n2, "late");
            awaitEqual(n2, List.of(n1, n3), BOTH);

            // and back with londiste3's own takeover, run on the old root
            tools.londiste(ini1, "takeover", "n2");
            assertThat(n1.value("select node_type from pgq_node.node_info")).isEqualTo("root");
            assertThat(n2.value("select node_type from pgq_node.node_info")).isEqualTo("branch");
            assertThat(provider(n2, "lond_node2")).isEqualTo("n1");
            changeRows(n1, "acc");
            changeRows(n1, "late");
            awaitEqual(n1, List.of(n2, n3), BOTH);
            // one history on both sides of the two switchovers
            awaitSameQueue(n1, n2, created);
            assertNoWorkerInError(n1, n2, n3);
        }
    }

    /** A database {@code db} on {@code server} with the run's schemas and an empty acc table. */
    private static Sql node(SystemPgServer server, String db, String schemas) throws SQLException {
        try (Sql admin = new Sql(DriverManager.getConnection(server.jdbcUrl("postgres")))) {
            admin.exec("create database " + db);
        }
        Sql s = new Sql(DriverManager.getConnection(server.jdbcUrl(db)));
        if (schemas.equals("skytools")) {
            s.exec("create extension pgq");
            s.exec("create extension pgq_node");
            s.exec("create extension londiste");
        } else {
            NodeSetup.installSchemas(s.connection());
        }
        s.exec("create table public.acc (id bigint primary key, v text)");
        if (db.equals("node1")) {
            s.exec("insert into acc select i, 'first ' || i from generate_series(1, 200) i");
        }
        return s;
    }

    /**
     * pgqd ticks an idle queue once a minute by default, and a copy's hand-over waits for
     * ticks: a tick at least every half second keeps the test short. On a branch it applies
     * once the branch is the root.
     */
    private static void quickTicks(Sql node) throws SQLException {
        node.value("select pgq.set_queue_config(?, 'ticker_idle_period', '0.5 seconds')", Q);
        node.value("select pgq.set_queue_config(?, 'ticker_max_lag', '0.2 seconds')", Q);
    }

    /** The table added once the cascade runs: rows on the root before (the copy) and after. */
    private static void addLateTable(Sql root, Sql... others) throws SQLException {
        root.exec("create table public.late (id bigint primary key, v text, n int)");
        for (Sql s : others) {
            s.exec("create table public.late (id bigint primary key, v text, n int)");
        }
        root.exec("insert into late select i, 'copied ' || i, i % 10 from generate_series(1, 300) i");
    }

    /** Inserts, updates (some rows twice, in one transaction) and deletes on the root, each its own events. */
    private void changeRows(Sql root, String table) throws SQLException {
        long from = nextId;
        nextId += 100;
        root.exec("insert into " + table + " (id, v) select i, 'new ' || i from generate_series(?::bigint, ?::bigint) i",
                from, from + 99);
        root.exec("update " + table + " set v = 'changed ' || id where id % 3 = 0");
        root.begin();
        root.exec("update " + table + " set v = v || ' twice' where id % 5 = 0");
        root.exec("delete from " + table + " where id % 7 = 0");
        root.commit();
    }

    private void ourWorker(Path ini) throws Exception {
        LondisteConfig cf = LondisteConfig.load(ini);
        assertThat(cf.unknownKeys()).isEmpty();
        WorkerLoop loop = new WorkerLoop(new LondisteWorker(cf.workerSettings()), Duration.ofMillis(100),
                Duration.ofSeconds(1));
        new Thread(loop, "our-worker-" + cf.jobName()).start();
        ourWorkers.add(loop);
    }

    private void stopOurWorkers() throws InterruptedException {
        for (WorkerLoop w : ourWorkers) {
            w.stop(Duration.ofSeconds(30));
        }
        ourWorkers.clear();
    }

    private static String provider(Sql node, String consumer) throws SQLException {
        return (String) node.value("select provider_node from pgq_node.local_state where consumer_name = ?", consumer);
    }

    /** Every table in sync and equal to the root's on every other node. */
    private static void awaitEqual(Sql root, List<Sql> others, List<String> tables) {
        await("the tables of the root everywhere").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> {
                    for (Sql s : others) {
                        assertThat(s.column("select table_name from londiste.table_info where queue_name = ? and local"
                                            + " and merge_state = 'ok' order by 1", Q))
                                .as("tables in sync").containsExactlyElementsOf(tables);
                        for (String t : tables) {
                            assertThat(contents(s, t)).as(t).isEqualTo(contents(root, t));
                        }
                    }
                });
    }

    /**
     * The branch's queue holds what the root's does since the branch was created at tick
     * {@code created}: the same ticks and the same events (ids, types, data, extras, times).
     */
    private static void awaitSameQueue(Sql root, Sql branch, long created) {
        QueueHistory r = new QueueHistory(root, Q);
        QueueHistory b = new QueueHistory(branch, Q);
        await("the branch's queue equal to the root's").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    long last = b.lastTick();
                    assertThat(last).isGreaterThan(created);
                    assertThat(b.ticks(created, last)).isEqualTo(r.ticks(created, last));
                    // the root's sequence positions: a branch's ticks hold only the highest id it copied
                    long from = r.eventSeqAt(created);
                    long to = r.eventSeqAt(last);
                    assertThat(b.events(from, to)).isNotEmpty().isEqualTo(r.events(from, to));
                });
    }

    private void assertNoWorkerInError(Sql... nodes) throws Exception {
        for (WorkerLoop w : ourWorkers) {
            assertThat(w.lastFailure()).isNull();
        }
        for (Process p : pythonWorkers) {
            assertThat(p.isAlive()).as("python worker running").isTrue();
        }
        for (Sql s : nodes) {
            assertThat(s.rows("select consumer_name, cur_error from pgq_node.local_state where cur_error is not null"))
                    .isEmpty();
        }
    }

    private static String contents(Sql s, String table) throws SQLException {
        return String.valueOf(s.row("select count(*) as n, coalesce(sum(hashtext(t::text)::bigint), 0) as sum from "
                                    + table + " t"));
    }
}
