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
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Handlers with londiste3's names on a root and a leaf: applyfn hands each event to a
 * function, vtable registers a table the leaf does not have, qtable turns the root's table
 * into a queue feeder, jsontriga events (trigger flag J) apply like urlencoded ones, and a bad
 * handler or argument is refused before anything changes.
 */
class HandlerTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "hq";

    static AddTableOptions handler(String name, String... args) {
        return new AddTableOptions(false, false, false, null, List.of(), name, List.of(args), null, null, null, null);
    }

    @Test
    void handlersDoWhatTheirNamesSay() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            root.exec("create table public.calls (id int primary key, v text);"
                      + "create table public.virt (id int primary key);"
                      + "create table public.feed (id int primary key, v text);"
                      + "create table public.js (id int primary key, n numeric, b boolean, t text, ts timestamptz)");
            leaf.exec("create table public.calls (id int primary key, v text);"
                      + "create table public.js (id int primary key, n numeric, b boolean, t text, ts timestamptz);"
                      + "create table public.seen (tick bigint, ev_type text, ev_data text, conf text);"
                      + "create function public.record_event(conf text, tick_id text, ev_id text, ev_time text,"
                      + " ev_txid text, ev_retry text, ev_type text, ev_data text, e1 text, e2 text, e3 text, e4 text)"
                      + " returns void language sql as $$ insert into public.seen values (tick_id::bigint, ev_type,"
                      + " ev_data, conf) $$");
            new NodeSetup(Q, "rw").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup(Q, "lw").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb), location(rootDb));
            TableSetup tables = new TableSetup(Q);
            assertThat(tables.addTables(root.connection(), List.of("calls", "virt"), false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            assertThat(tables.addTables(root.connection(), List.of("feed"), false, handler("qtable")))
                    .allMatch(TableSetup.Outcome::ok);
            assertThat(tables.addTables(root.connection(), List.of("js"), false, new AddTableOptions(false, false,
                    false, "J", List.of(), null, List.of(), null, null, null, null))).allMatch(TableSetup.Outcome::ok);

            // refusals change nothing
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("calls"), false, handler("nosuch")))
                    .hasMessageContaining("unknown handler \"nosuch\"").hasMessageContaining("applyfn");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("calls"), false,
                    handler("applyfn", "func_name=public.record_event", "colour=red")))
                    .hasMessageContaining("Invalid handler argument: [colour]");
            assertThat(leaf.longValue("select count(*) from londiste.table_info where local")).isZero();

            assertThat(tables.addTables(leaf.connection(), List.of("calls"), false,
                    handler("applyfn", "func_name=public.record_event", "func_conf=my conf")))
                    .allMatch(TableSetup.Outcome::ok);
            assertThat(tables.addTables(leaf.connection(), List.of("virt"), false, handler("vtable")))
                    .allMatch(TableSetup.Outcome::ok);
            assertThat(tables.addTables(leaf.connection(), List.of("js"), false, AddTableOptions.DEFAULTS))
                    .allMatch(TableSetup.Outcome::ok);
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, Q);
            // applyfn's table is copied first; the events after its copy go to the function
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> leaf.longValue(
                    "select count(*) from londiste.table_info where local and merge_state is distinct from 'ok'") == 0);

            root.exec("insert into calls values (1, 'a b')");
            root.exec("insert into virt values (1)");
            root.exec("insert into feed values (1, 'queued')");
            root.exec("insert into js values (1, 1.50, true, 'x \"y\"', '2026-12-02 10:00:00+00'), (2, null, false,"
                      + " null, null)");
            root.exec("update js set n = 2.25 where id = 1");
            root.exec("delete from js where id = 2");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(leaf.value("select merge_state from londiste.table_info where table_name = 'public.js'"))
                        .isEqualTo("ok");
                assertThat(contents(leaf, "js")).isEqualTo(contents(root, "js"));
                assertThat(leaf.rows("select ev_type, ev_data, conf from seen")).hasSize(1);
                assertThat(worker.lastFailure()).isNull();
            });
            assertThat(leaf.row("select ev_type, ev_data, conf, tick > 0 as has_tick from seen"))
                    .containsEntry("ev_type", "I:id").containsEntry("ev_data", "id=1&v=a+b")
                    .containsEntry("conf", "my conf").containsEntry("has_tick", true);
            // qtable: the root's row is logged and skipped
            assertThat(root.longValue("select count(*) from feed")).isZero();
            assertThat(leaf.value("select merge_state from londiste.table_info where table_name = 'public.virt'"))
                    .isEqualTo("ok");
            assertThat(leaf.value("select to_regclass('public.virt')")).isNull();
        }
    }
}
