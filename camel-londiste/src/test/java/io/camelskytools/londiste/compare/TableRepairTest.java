package io.camelskytools.londiste.compare;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * repair on a root and a leaf replicating on two real servers: rows changed, removed and added
 * behind replication's back are found at the same point of the queue, written as londiste3's
 * fix.TABLE.sql (which, run on the leaf, makes the tables equal), or applied with --apply; a
 * table whose keys differ is refused and left alone.
 */
class TableRepairTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "repq";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void findsWritesAndAppliesTheFixesAtTheSamePoint() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            String ddl = "create table public.acc (id int, k text, v text, n numeric, primary key (id, k));"
                         + "create table public.keyed (id int primary key, v int)";
            root.exec(ddl);
            leaf.exec("create table public.acc (id int, k text, v text, n numeric, primary key (id, k));"
                      + "create table public.keyed (id int, v int, primary key (id, v))");
            root.exec("insert into acc select i, 'k' || (i % 3), 'v' || i, i * 1.5 from generate_series(1, 3000) i");
            root.exec("insert into keyed select i, i from generate_series(1, 10) i");
            new NodeSetup(Q, "rootw").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup(Q, "leafw").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb),
                    location(rootDb));
            new TableSetup(Q).addTables(root.connection(), List.of("acc", "keyed"), false, AddTableOptions.DEFAULTS);
            new TableSetup(Q).addTables(leaf.connection(), List.of("acc", "keyed"), false, AddTableOptions.DEFAULTS);
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, Q);
            awaitState(leaf, "public.acc", "ok");
            awaitState(leaf, "public.keyed", "ok");
            awaitSame(root, leaf, "acc", worker);

            TableRepair look = new TableRepair(Q, Duration.ofSeconds(30), false, null, false, dir);
            TableRepair.Result clean = only(look.repair(leafDb.jdbcUrl(), List.of("acc")));
            assertThat(clean.bad()).isFalse();
            assertThat(clean.sourceRows()).isEqualTo(3000);
            assertThat(clean.fixes()).isZero();
            assertThat(dir.resolve("fix.public.acc.sql")).doesNotExist();

            // behind replication's back: a row gone, one too many, two changed (one to a value with ' and \)
            String damage = "set session_replication_role = replica;"
                            + " delete from acc where id = 1;"
                            + " insert into acc values (5000, 'x', 'extra', null);"
                            + " update acc set v = 'wr''o\\ng' where id = 2;"
                            + " update acc set n = null where id = 3;"
                            + " set session_replication_role = origin";
            leaf.exec(damage);
            // the root writes on: changes after the freeze are not fixes
            root.exec("update acc set v = 'later' where id = 10");

            TableRepair.Result found = only(look.repair(leafDb.jdbcUrl(), List.of("acc")));
            assertThat(found.bad()).isTrue();
            assertThat(found.table()).isEqualTo("public.acc");
            assertThat(List.of(found.inserts(), found.updates(), found.deletes())).containsExactly(1L, 2L, 1L);
            Path fix = dir.resolve("fix.public.acc.sql");
            assertThat(found.fixFile()).isEqualTo(fix);
            List<String> lines = Files.readAllLines(fix);
            assertThat(lines).containsExactlyInAnyOrder(
                    "insert into \"public\".\"acc\" (\"id\", \"k\", \"v\", \"n\") values ('1', 'k1', 'v1', '1.5');",
                    "delete from only \"public\".\"acc\" where \"id\" = '5000' and \"k\" = 'x';",
                    "update only \"public\".\"acc\" set \"v\" = 'v2' where \"id\" = '2' and \"k\" = 'k2'"
                    + " and \"v\" = E'wr''o\\\\ng';",
                    "update only \"public\".\"acc\" set \"n\" = '4.5' where \"id\" = '3' and \"k\" = 'k0'"
                    + " and \"n\" is null;");
            // nothing was changed by looking
            assertThat(leaf.value("select v from acc where id = 2")).isEqualTo("wr'o\\ng");

            // the file, run on the leaf as a user would, makes the tables equal
            leaf.exec("set session_replication_role = replica; " + String.join(" ", lines)
                      + " set session_replication_role = origin");
            awaitSame(root, leaf, "acc", worker);

            // --apply: fixed here in one transaction, no file; a second look finds nothing
            leaf.exec(damage);
            TableRepair fixer = new TableRepair(Q, Duration.ofSeconds(30), false, null, true, dir);
            Files.delete(fix);
            TableRepair.Result applied = only(fixer.repair(leafDb.jdbcUrl(), List.of("acc")));
            assertThat(applied.applied()).isTrue();
            assertThat(applied.bad()).isFalse();
            assertThat(applied.fixes()).isEqualTo(4);
            assertThat(applied.fixFile()).isNull();
            assertThat(fix).doesNotExist();
            awaitSame(root, leaf, "acc", worker);
            assertThat(only(look.repair(leafDb.jdbcUrl(), List.of("acc"))).fixes()).isZero();

            // --repair-where: only the rows it selects are looked at
            leaf.exec(damage);
            TableRepair.Result some = only(new TableRepair(Q, Duration.ofSeconds(30), false, "id < 3", true, dir)
                    .repair(leafDb.jdbcUrl(), List.of("acc")));
            assertThat(List.of(some.inserts(), some.updates(), some.deletes())).containsExactly(1L, 1L, 0L);
            assertThat(leaf.value("select v from acc where id = 2")).isEqualTo("v2");
            assertThat(leaf.value("select n from acc where id = 3")).isNull();

            // keys that differ: refused, nothing written, nothing changed
            String before = contents(leaf, "keyed");
            TableRepair.Result refused = only(fixer.repair(leafDb.jdbcUrl(), List.of("keyed")));
            assertThat(refused.problem()).contains("pkeys do not match");
            assertThat(refused.bad()).isTrue();
            assertThat(contents(leaf, "keyed")).isEqualTo(before);

            // a table this node does not replicate is skipped with londiste3's words
            assertThat(only(look.repair(leafDb.jdbcUrl(), List.of("nosuch"))).skipped())
                    .isEqualTo("Table not subscribed");
        }
    }

    @Test
    void timestampsThatDifferOnlyByTheZoneSuffixAreTheSame() {
        assertThat(FixSql.sameValue("2026-12-03 01:02:03+00", "2026-12-03 01:02:03")).isTrue();
        assertThat(FixSql.sameValue("2026-12-03 01:02:03", "2026-12-03 01:02:04")).isFalse();
        assertThat(FixSql.sameValue(null, null)).isTrue();
        assertThat(FixSql.sameValue(null, "")).isFalse();
        assertThat(FixSql.literal("a'b")).isEqualTo("'a''b'");
        assertThat(FixSql.literal("a\\b")).isEqualTo("E'a\\\\b'");
        assertThat(FixSql.literal(null)).isEqualTo("null");
    }

    @Test
    void keysAreOrderedByCodePointAsCollateCDoes() {
        String[] bmpHigh = {"\uFB01"};
        String[] astral = {new String(Character.toChars(0x1F600))};
        // UTF-16 puts the surrogate pair first; byte (code point) order does not
        assertThat(SortedRows.compareKeys(bmpHigh, astral, 1)).isNegative();
        assertThat(SortedRows.compareKeys(new String[] {"1"}, new String[] {"10"}, 1)).isNegative();
        assertThat(SortedRows.compareKeys(new String[] {"9"}, new String[] {"10"}, 1)).isPositive();
    }

    private static TableRepair.Result only(List<TableRepair.Result> results) {
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    static void awaitSame(Sql root, Sql leaf, String table, WorkerLoop worker) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(worker.lastFailure()).as("worker failure").isNull();
            assertThat(contents(leaf, table)).as("contents of " + table).isEqualTo(contents(root, table));
        });
    }

    static void awaitState(Sql s, String table, String state) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(
                s.value("select merge_state from londiste.get_table_list(?) where table_name = ?", Q, table))
                .as("state of " + table).isEqualTo(state));
    }
}
