package io.camelskytools.londiste.handler;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.handler.HandlerNodes.add;
import static io.camelskytools.londiste.handler.HandlerNodes.handler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bulk} with each of its methods: a batch that inserts, updates (to and from NULL),
 * deletes, re-inserts deleted keys, moves a row to a new key (delete + insert), makes and drops
 * rows, touches a key-only table, and truncates between inserts ends with the leaf's tables
 * equal to the root's.
 */
class BulkHandlerTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @ParameterizedTest(name = "method {0}")
    @ValueSource(strings = {"0", "1", "2"})
    void eachMethodEndsWithTheRootsRows(String method) throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "bulk_leaf_" + method);
        String ddl = "create table public.b (id int primary key, v text, n int, note text);"
                     + "create table public.k (id int primary key);"
                     + "create table public.tr (id int primary key, v text)";
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            root.exec(ddl);
            leaf.exec(ddl);
            root.exec("insert into b select i, 'v' || i, i, case when i % 3 = 0 then null else E'x\\tz\\\\y\\n' end"
                      + " from generate_series(1, 40) i");
            root.exec("insert into k select generate_series(1, 5)");
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            for (String t : List.of("b", "k", "tr")) {
                add(root, t, AddTableOptions.DEFAULTS);
                add(leaf, t, handler("bulk", "method=" + method));
            }
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, HandlerNodes.Q);
            HandlerNodes.awaitInSync(leaf, worker);

            // one transaction: one batch, every path of the merge at once
            root.begin();
            root.exec("insert into b select i, null, i * 2, 'new' from generate_series(41, 60) i");
            root.exec("update b set v = null, note = 'was ' || coalesce(v, 'null') where id between 1 and 10");
            root.exec("update b set v = 'from null' where id between 41 and 45");
            root.exec("update b set n = n + 1 where id between 46 and 50");
            root.exec("delete from b where id between 11 and 15");
            root.exec("insert into b values (11, 'back', 11, null)");
            root.exec("insert into b values (100, 'short', 1, null)");
            root.exec("delete from b where id = 100");
            root.exec("insert into b select 1000 + id, v, n, note from b where id = 20");
            root.exec("delete from b where id = 20");
            root.exec("update b set v = 'twice' where id = 21");
            root.exec("update b set v = 'thrice', note = null where id = 21");
            root.exec("update b set note = 'gone after update' where id = 22");
            root.exec("delete from b where id = 22");
            root.exec("update k set id = id where id <= 2");
            root.exec("delete from k where id = 3");
            root.exec("insert into k values (3), (6)");
            root.exec("insert into tr values (1, 'before truncate'), (2, 'also before')");
            root.exec("truncate tr");
            root.exec("insert into tr values (3, 'after truncate')");
            root.commit();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(worker.lastFailure()).isNull();
                assertThat(contents(leaf, "b")).isEqualTo(contents(root, "b"));
                assertThat(contents(leaf, "k")).isEqualTo(contents(root, "k"));
                assertThat(contents(leaf, "tr")).isEqualTo(contents(root, "tr"));
            });
            assertThat(leaf.row("select v, n, note from b where id = 1")).containsEntry("v", null)
                    .containsEntry("note", "was v1");
            assertThat(leaf.row("select v, note from b where id = 21")).containsEntry("v", "thrice")
                    .containsEntry("note", null);
            assertThat(leaf.longValue("select count(*) from b where id in (20, 22, 100)")).isZero();
            assertThat(leaf.value("select v from b where id = 1020")).isEqualTo("v20");
            assertThat(leaf.value("select v from tr")).isEqualTo("after truncate");
        }
    }

    @Test
    void aBatchThatFailedIsWrittenOnceWhenItComesAgain() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "bulk_retry");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            root.exec("create table public.b (id int primary key, v text); create table public.c (id int primary key,"
                      + " v text)");
            leaf.exec("create table public.b (id int primary key, v text); create table public.c (id int primary key,"
                      + " v text constraint no_bad check (v not like 'bad%'))");
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            add(root, "b", AddTableOptions.DEFAULTS);
            add(root, "c", AddTableOptions.DEFAULTS);
            add(leaf, "b", handler("bulk"));
            add(leaf, "c", AddTableOptions.DEFAULTS);
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, HandlerNodes.Q);
            HandlerNodes.awaitInSync(leaf, worker);

            // b's rows are kept for the batch's end when c's row fails in the middle of it
            root.begin();
            root.exec("insert into b select i, 'row ' || i from generate_series(1, 10) i");
            root.exec("insert into c values (1, 'bad')");
            root.exec("update c set v = 'bad again' where id = 1");
            root.exec("insert into b values (11, 'after')");
            root.commit();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> HandlerNodes.failureMentions(worker, "no_bad"));
            assertThat(leaf.longValue("select count(*) from b")).isZero();

            leaf.exec("alter table c drop constraint no_bad");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(worker.lastFailure()).isNull();
                assertThat(contents(leaf, "b")).isEqualTo(contents(root, "b"));
                assertThat(contents(leaf, "c")).isEqualTo(contents(root, "c"));
            });
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingChanges() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "bulk_refuse");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open()) {
            root.exec("create table public.b (id int primary key)");
            leaf.exec("create table public.b (id int primary key)");
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            add(root, "b", AddTableOptions.DEFAULTS);
            TableSetup tables = new TableSetup(HandlerNodes.Q);
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("b"), false,
                    handler("bulk", "method=3"))).hasMessageContaining("unknown method: 3");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("b"), false,
                    handler("bulk", "ignore_truncate=1")))
                    .hasMessageContaining("Invalid handler argument: [ignore_truncate]");
            assertThat(leaf.longValue("select count(*) from londiste.table_info where local")).isZero();
        }
    }
}
