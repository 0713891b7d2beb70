package io.camelskytools.runtime.cli.londiste;

import static io.camelskytools.runtime.cli.londiste.LondisteCommandTest.location;
import static io.camelskytools.runtime.cli.londiste.LondisteCommandTest.londiste;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.camelskytools.londiste.worker.LondisteWorker;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.londiste.worker.WorkerSettings;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * londiste3's admin commands on running nodes: repair (fix file, --apply, exit code),
 * wait-root / wait-provider, node-status, and add-table / resync with --copy-node and
 * --find-copy-node, each refusal naming what was wrong and changing nothing.
 */
class LondisteAdminCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<WorkerLoop> workers = new ArrayList<>();
    private ScheduledExecutorService ticker;
    private Connection tickConnection;

    @AfterEach
    void stop() throws Exception {
        for (WorkerLoop w : workers) {
            w.stop(Duration.ofSeconds(30));
        }
        if (ticker != null) {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            tickConnection.close();
        }
    }

    @Test
    void repairWaitAndNodeStatusOnARootAndALeaf() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        Path root = ini("root", rootDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql l = leafDb.open()) {
            r.exec("create table public.acc (id int primary key, v text)");
            l.exec("create table public.acc (id int primary key, v text)");
            r.exec("insert into acc select i, 'v' || i from generate_series(1, 500) i");
            ok(londiste(root, "create-root", "n1", location(rootDb)));
            ok(londiste(leaf, "create-leaf", "n2", location(leafDb), "--provider=" + location(rootDb)));
            ok(londiste(root, "add-table", "acc"));
            ok(londiste(leaf, "add-table", "acc"));
            ticker(rootDb);
            worker(leafDb);
            ok(londiste(leaf, "wait-sync", "--timeout", "60"));

            r.exec("update acc set v = 'root wrote' where id = 7");
            Result waited = ok(londiste(leaf, "wait-root", "--timeout", "30"));
            assertThat(waited.out()).contains("Root is n1").contains("Got tick");
            // what the root committed before wait-root returned is here
            assertThat(l.value("select v from acc where id = 7")).isEqualTo("root wrote");
            assertThat(ok(londiste(leaf, "wait-provider", "--timeout", "30")).out()).contains("Provider is n1");
            assertThat(ok(londiste(root, "wait-root")).out()).contains("Current node is root, no need to wait");

            ok(londiste(leaf, "pause", "--timeout", "30"));
            Result stuck = londiste(leaf, "wait-provider", "--timeout", "2");
            assertThat(stuck.exit()).isEqualTo(1);
            assertThat(stuck.out()).contains("timeout: worker lond_leaf of node n2 is at tick").contains("(PAUSED)");
            ok(londiste(leaf, "resume", "--timeout", "30"));

            Result status = ok(londiste(leaf, "node-status"));
            assertThat(status.out()).contains("n2 (leaf)").contains("    Provider: n1").contains("    Tables: 1/0/0")
                    .contains("    Lag: ").contains(", Tick: ").doesNotContain("ERR");
            assertThat(ok(londiste(root, "node-status")).out()).contains("n1 (root)").contains("    Subscribers: n2");

            // repair: finds, writes, exit 1; --apply fixes, exit 0; compare agrees
            l.exec("set session_replication_role = replica; delete from acc where id = 3;"
                   + " update acc set v = 'wrong' where id = 4; set session_replication_role = origin");
            Result found = londiste(leaf, "repair", "--output-dir", dir.toString());
            assertThat(found.exit()).as(found.out() + found.err()).isEqualTo(1);
            assertThat(found.out()).contains("public.acc: src: 500 rows, dst: 499 rows, missed: 1 inserts, 1 updates,"
                                             + " 0 deletes").contains("fixes written to");
            assertThat(Files.readAllLines(dir.resolve("fix.public.acc.sql"))).containsExactly(
                    "insert into \"public\".\"acc\" (\"id\", \"v\") values ('3', 'v3');",
                    "update only \"public\".\"acc\" set \"v\" = 'v4' where \"id\" = '4' and \"v\" = 'wrong';");
            assertThat(l.longValue("select count(*) from acc")).isEqualTo(499);
            Result applied = londiste(leaf, "repair", "acc", "--apply", "--output-dir", dir.toString());
            assertThat(applied.exit()).as(applied.out() + applied.err()).isZero();
            assertThat(applied.out()).contains("public.acc: 2 fixes applied");
            Result compared = londiste(leaf, "compare");
            assertThat(compared.exit()).as(compared.out() + compared.err()).isZero();
            assertThat(londiste(root, "repair").err()).contains("repair runs on a node with a provider, not on the root");
        }
    }

    @Test
    void tablesAreCopiedFromTheNodeTheFlagsName() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb branchDb = PG.db(1);
        TestDb leafDb = PG.newDb(1, "leaf");
        Path root = ini("root", rootDb);
        Path branch = ini("branch", branchDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql b = branchDb.open(); Sql l = leafDb.open()) {
            for (Sql s : List.of(r, b, l)) {
                s.exec("create table public.shared (id int primary key, v int); create table public.rootonly (id int"
                       + " primary key, v int)");
            }
            r.exec("insert into shared select i, i from generate_series(1, 300) i;"
                   + " insert into rootonly select i, -i from generate_series(1, 200) i");
            ok(londiste(root, "create-root", "n1", location(rootDb)));
            ok(londiste(branch, "create-branch", "n2", location(branchDb), "--provider=" + location(rootDb)));
            ok(londiste(leaf, "create-leaf", "n3", location(leafDb), "--provider=" + location(branchDb)));
            ok(londiste(root, "add-table", "shared", "rootonly"));
            ok(londiste(branch, "add-table", "shared"));
            ticker(rootDb);
            worker(branchDb);
            worker(leafDb);
            ok(londiste(branch, "wait-sync", "--timeout", "60"));

            // the branch does not replicate rootonly: from the provider it cannot be copied
            Result refused = londiste(leaf, "add-table", "rootonly");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("Table public.rootonly does not exist on provider, need to switch to"
                                               + " different provider");
            assertThat(londiste(leaf, "tables").out()).doesNotContain("rootonly");
            Result unknown = londiste(leaf, "add-table", "rootonly", "--copy-node", "nosuch");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("Cannot find node <nosuch>");
            Result itself = londiste(leaf, "add-table", "rootonly", "--copy-node", "n3");
            assertThat(itself.err()).contains("Cannot use itself as provider");
            Result both = londiste(leaf, "add-table", "rootonly", "--copy-node", "n1", "--find-copy-node");
            assertThat(both.err()).contains("--copy-node and --find-copy-node exclude each other");
            assertThat(londiste(leaf, "tables").out()).doesNotContain("rootonly");

            // --find-copy-node walks up to the root, which has it
            ok(londiste(leaf, "add-table", "rootonly", "--find-copy-node"));
            ok(londiste(leaf, "add-table", "shared"));
            ok(londiste(leaf, "wait-sync", "--timeout", "60"));
            r.exec("update rootonly set v = v * 10 where id <= 50; update shared set v = 0 where id <= 10");
            awaitSame(r, l, "rootonly");
            awaitSame(r, l, "shared");
            assertThat(l.value("select table_attrs from londiste.get_table_list('cliq')"
                               + " where table_name = 'public.rootonly'")).isEqualTo("copy_node=%3F");

            // resync from a named node; without one, rootonly cannot come from the provider
            Result noSource = londiste(leaf, "resync", "rootonly");
            assertThat(noSource.exit()).isEqualTo(1);
            assertThat(noSource.err()).contains("does not exist on provider");
            assertThat(l.value("select merge_state from londiste.get_table_list('cliq')"
                               + " where table_name = 'public.rootonly'")).isEqualTo("ok");
            l.exec("set session_replication_role = replica; delete from shared where id > 250;"
                   + " set session_replication_role = origin");
            assertThat(ok(londiste(leaf, "resync", "shared", "--copy-node", "n1")).out())
                    .contains("Table public.shared will be copied again from node n1");
            ok(londiste(leaf, "wait-sync", "--timeout", "60"));
            awaitSame(r, l, "shared");
            assertThat(l.value("select table_attrs from londiste.get_table_list('cliq')"
                               + " where table_name = 'public.shared'")).isEqualTo("copy_node=n1");
        }
    }

    private static Result ok(Result r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        return r;
    }

    private static void awaitSame(Sql root, Sql leaf, String table) {
        String sum = "select count(*), sum(id), sum(v) from " + table;
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(leaf.row(sum)).as(table).isEqualTo(root.row(sum)));
    }

    private Path ini(String name, TestDb db) throws Exception {
        Path ini = dir.resolve(name + ".ini");
        Files.writeString(ini, String.join("\n", "[londiste]", "job_name = lond_" + name, "db = " + location(db),
                "queue_name = cliq", "lock_timeout = 30", ""));
        return ini;
    }

    private void worker(TestDb node) {
        WorkerSettings s = WorkerSettings.defaults("cliq", node.jdbcUrl()).withLoopDelay(Duration.ofMillis(50));
        WorkerLoop loop = new WorkerLoop(new LondisteWorker(s), Duration.ofMillis(50), Duration.ofMillis(500));
        Thread t = new Thread(loop, "worker-" + node.name());
        t.start();
        workers.add(loop);
    }

    private void ticker(TestDb root) throws Exception {
        tickConnection = root.connect();
        ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleWithFixedDelay(() -> {
            try (var st = tickConnection.createStatement()) {
                st.execute("select pgq.ticker()");
            } catch (Exception e) {
                // the server goes away at the end of the test
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }
}
