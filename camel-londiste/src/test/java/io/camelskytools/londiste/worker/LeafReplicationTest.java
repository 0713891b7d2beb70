package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A root and a leaf on two real servers: tables added on the leaf are copied while the root
 * keeps changing them, hand over to the worker, and from then on every change arrives; a
 * table added later is copied while the first keeps replicating.
 */
class LeafReplicationTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "replika";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void tablesAreCopiedWhileTheRootWritesAndThenFollowEveryChange() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            String ddl = "create table public.acc (id int primary key, name text, val numeric, note text);"
                         + "create table public.\"Other Tab\" (\"Key\" text primary key, n int)";
            root.exec(ddl);
            leaf.exec(ddl);
            root.exec("insert into acc select i, 'n' || i, i * 1.5, case when i % 3 = 0 then null else 'a b&c=d' end"
                      + " from generate_series(1, 5000) i");
            root.exec("insert into \"Other Tab\" select 'k' || i, i from generate_series(1, 100) i");

            new NodeSetup(Q, "rootworker").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup(Q, "leafworker").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb),
                    location(rootDb));
            TableSetup rootTables = new TableSetup(Q);
            assertThat(rootTables.addTables(root.connection(), List.of("acc", "Other Tab"), false,
                    AddTableOptions.DEFAULTS)).allMatch(TableSetup.Outcome::ok);
            nodes.ticker(rootDb);

            // the leaf takes acc only; the root writes on while it is copied
            assertThat(new TableSetup(Q).addTables(leaf.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            WorkerLoop worker = nodes.worker(leafDb, Q);
            for (int i = 0; i < 50; i++) {
                root.exec("update acc set val = val + 1, note = 'u&v=w x%+' where id % 50 = ? and id % 3 <> 0", i);
                root.exec("insert into acc values (?, 'new', 0, null)", 10_000 + i);
                root.exec("delete from acc where id = ?", 100 + i);
            }
            awaitState(leaf, "public.acc", "ok");
            awaitSame(root, leaf, "acc", worker);

            // a second table is copied while acc keeps replicating
            new TableSetup(Q).addTables(leaf.connection(), List.of("Other Tab"), false, AddTableOptions.DEFAULTS);
            for (int i = 0; i < 20; i++) {
                root.exec("update acc set name = 'second' where id = ?", 200 + i);
                root.exec("update \"Other Tab\" set n = n * 10 where \"Key\" = ?", "k" + i);
            }
            root.exec("insert into \"Other Tab\" values ('with ''quote''', null)");
            awaitState(leaf, "public.Other Tab", "ok");
            awaitSame(root, leaf, "acc", worker);
            awaitSame(root, leaf, "\"Other Tab\"", worker);
            assertThat(leaf.value("select note from acc where id = 1")).isEqualTo("u&v=w x%+");
            assertThat(leaf.value("select note from acc where id = 3")).isNull();
            assertThat(leaf.value("select n from \"Other Tab\" where \"Key\" = 'with ''quote'''")).isNull();
            // the copies' consumers are gone from the provider once handed over
            assertThat(root.column("select consumer_name from pgq.get_consumer_info(?)", Q))
                    .noneMatch(c -> String.valueOf(c).contains(".copy."));
        }
    }

    static void awaitSame(Sql root, Sql leaf, String table, WorkerLoop worker) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(worker.lastFailure()).as("worker failure").isNull();
            assertThat(contents(leaf, table)).as("contents of " + table).isEqualTo(contents(root, table));
        });
    }

    static void awaitState(Sql s, String table, String state) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(state(s, table)).as("state of " + table).isEqualTo(state));
    }

    static String state(Sql s, String table) throws Exception {
        return (String) s.value("select merge_state from londiste.get_table_list(?) where table_name = ?", Q, table);
    }

}
