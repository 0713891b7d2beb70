package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableCreator;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * add-table --create / --create-full on a leaf that lacks the tables: they are made from the
 * root's structure (minimal: columns and key; full: also defaults, sequences, constraints and
 * indexes, never foreign keys), then copied and replicated like any other.
 */
class CreateTableTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "cq";

    static AddTableOptions dest(String table) {
        return new AddTableOptions(false, false, false, null, List.of(), null, List.of(), table, null, null, null);
    }

    @Test
    void missingTablesAreMadeFromTheProvidersAndThenReplicate() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            root.exec("create table public.parent (id int primary key);"
                      + "create table public.small (id int primary key, v text not null default 'x', n numeric(10,2));"
                      + "create table public.\"Full\" (id serial primary key, code text not null unique,"
                      + " qty int default 1 check (qty > 0), p int references public.parent, note varchar(20));"
                      + "create index full_note on public.\"Full\" (lower(note)) where note is not null;"
                      + "insert into parent values (1); insert into small values (1, 'a', 1.5);"
                      + "insert into \"Full\" (code, qty, p, note) values ('c1', 2, 1, 'N'), ('c2', 3, null, null)");
            new NodeSetup(Q, "rw").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup(Q, "lw").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb), location(rootDb));
            TableSetup tables = new TableSetup(Q);
            assertThat(tables.addTables(root.connection(), List.of("small", "Full"), false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);

            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("small", "Full"), false,
                    dest("other"), TableCreator.Depth.MINIMAL))
                    .hasMessageContaining("--dest-table can be given only for single table");
            assertThat(leaf.value("select to_regclass('public.small')")).isNull();

            assertThat(tables.addTables(leaf.connection(), List.of("small"), false, AddTableOptions.DEFAULTS,
                    TableCreator.Depth.MINIMAL)).extracting(TableSetup.Outcome::note)
                    .contains("Table created: public.small");
            assertThat(tables.addTables(leaf.connection(), List.of("Full"), false, dest("copy.full"),
                    TableCreator.Depth.FULL)).extracting(TableSetup.Outcome::note)
                    .contains("Table created: public.Full(copy.full)");

            // minimal: types and NOT NULL and the key, no default
            assertThat(leaf.rows("select column_name, data_type, is_nullable, column_default"
                                 + " from information_schema.columns where table_name = 'small' order by ordinal_position"))
                    .extracting(r -> r.get("column_name") + " " + r.get("data_type") + " " + r.get("is_nullable") + " "
                                     + r.get("column_default"))
                    .containsExactly("id integer NO null", "v text NO null", "n numeric YES null");
            assertThat(leaf.longValue("select count(*) from pg_constraint where conrelid = 'public.small'::regclass"
                                      + " and contype = 'p'")).isEqualTo(1);
            // full: defaults with their sequence, unique and check, the partial index; no foreign key
            assertThat(leaf.value("select column_default from information_schema.columns where table_schema = 'copy'"
                                  + " and table_name = 'full' and column_name = 'qty'")).isEqualTo("1");
            assertThat(leaf.value("select to_regclass('public.\"Full_id_seq\"') is not null")).isEqualTo(true);
            assertThat(leaf.column("select contype::text from pg_constraint where conrelid = 'copy.full'::regclass"
                                   + " order by contype"))
                    .containsExactly("c", "p", "u");
            assertThat(leaf.value("select indexdef from pg_indexes where schemaname = 'copy' and indexname = 'full_note'"))
                    .asString().contains("lower((note)::text)").contains("WHERE (note IS NOT NULL)");

            assertThat(tables.addTables(leaf.connection(), List.of("small"), false, AddTableOptions.DEFAULTS,
                    TableCreator.Depth.MINIMAL)).extracting(TableSetup.Outcome::note)
                    .contains("Table public.small already exist, not touching");

            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, Q);
            root.exec("insert into small values (2, 'b', null); update \"Full\" set qty = 5 where code = 'c2'");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(contents(leaf, "small")).isEqualTo(contents(root, "small"));
                assertThat(contents(leaf, "copy.full")).isEqualTo(contents(root, "\"Full\""));
                assertThat(worker.lastFailure()).isNull();
            });
        }
    }
}
