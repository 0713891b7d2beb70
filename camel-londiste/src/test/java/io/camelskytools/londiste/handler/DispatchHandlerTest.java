package io.camelskytools.londiste.handler;

import static io.camelskytools.londiste.handler.HandlerNodes.add;
import static io.camelskytools.londiste.handler.HandlerNodes.handler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
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

/**
 * {@code dispatch} and the variants londiste3 registers: rows go to the month / day partition of
 * a date column (made by londiste.create_partition), of the batch time, or to the table itself;
 * keep_latest keeps one version per key in its partition, keep_all every version; bulk load
 * mode gives the same rows; partitions past retention_period are not made and their rows are
 * dropped with ignore_old_events=1; bad arguments are refused with londiste3's words.
 */
class DispatchHandlerTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    static final String EV = "(id int primary key, ts timestamp, v text)";

    static List<Object> partitions(Sql s, String parent) throws Exception {
        return s.column("select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                        + " where i.inhparent = ?::regclass order by 1", parent);
    }

    @Test
    void rowsGoToTheirPartitions() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "dispatch_leaf");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            for (String t : List.of("ev", "evb", "evr", "evt")) {
                root.exec("create table public." + t + " " + EV);
                leaf.exec("create table public." + t + " " + EV);
            }
            root.exec("create table public.hist (id int primary key, ts timestamp, v text)");
            leaf.exec("create table public.hist (id int, ts timestamp, v text, primary key (id, v))");
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            for (String t : List.of("ev", "evb", "evr", "evt", "hist")) {
                add(root, t, AddTableOptions.DEFAULTS);
            }
            add(leaf, "ev", handler("dispatch", "part_mode=date_field", "part_field=ts", "period=month",
                    "row_mode=keep_latest"));
            add(leaf, "evb", handler("bulk_monthly_field", "part_field=ts"));
            add(leaf, "evr", handler("daily_field", "part_field=ts", "retention_period=3 days",
                    "ignore_old_events=1"));
            add(leaf, "evt", handler("daily_batch"));
            add(leaf, "hist", handler("direct", "row_mode=keep_all"));
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, HandlerNodes.Q);
            HandlerNodes.awaitInSync(leaf, worker);
            LocalDate before = LocalDate.now();

            for (String t : List.of("ev", "evb")) {
                root.exec("insert into " + t + " values (1, '2026-01-15 10:00', 'a'), (2, '2026-02-01 00:00', 'b'),"
                          + " (3, '2026-02-28 23:59:59', null)");
                root.exec("update " + t + " set v = 'a2' where id = 1");
                root.exec("update " + t + " set v = 'a3' where id = 1");
                root.exec("delete from " + t + " where id = 2");
            }
            root.exec("insert into evr values (1, now()::timestamp, 'today'), (2, now()::timestamp - interval '10 days',"
                      + " 'too old')");
            root.exec("insert into evt values (1, null, 'by batch time')");
            root.exec("insert into hist values (1, null, 'v1')");
            root.exec("update hist set v = 'v2' where id = 1");
            root.exec("delete from hist where id = 1");

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(worker.lastFailure()).isNull();
                for (String t : List.of("ev", "evb")) {
                    assertThat(partitions(leaf, t)).containsExactly(t + "_2026_01", t + "_2026_02");
                    assertThat(leaf.column("select id || ':' || coalesce(v, 'null') from " + t + "_2026_01"))
                            .containsExactly("1:a3");
                    assertThat(leaf.column("select id || ':' || coalesce(v, 'null') from " + t + "_2026_02"))
                            .containsExactly("3:null");
                }
                assertThat(leaf.longValue("select count(*) from hist")).isEqualTo(2);
                assertThat(leaf.longValue("select count(*) from evr")).isEqualTo(1);
                assertThat(leaf.longValue("select count(*) from evt")).isEqualTo(1);
            });
            // nothing lands in the parents themselves
            assertThat(leaf.longValue("select count(*) from only ev")).isZero();
            assertThat(leaf.column("select v from hist order by v")).containsExactly("v1", "v2");
            // the old row's partition is past retention: not made, its row dropped
            DateTimeFormatter day = DateTimeFormatter.ofPattern("yyyy_MM_dd");
            assertThat(partitions(leaf, "evr")).hasSize(1);
            assertThat(leaf.value("select v from evr")).isEqualTo("today");
            // the batch's time picks evt's partition
            LocalDate after = LocalDate.now();
            assertThat(partitions(leaf, "evt")).hasSize(1).first().isIn("evt_" + before.format(day),
                    "evt_" + after.format(day));
            // create_partition puts the range check on the part field
            assertThat(leaf.longValue("select count(*) from pg_constraint where conrelid = 'public.ev_2026_01'::regclass"
                                      + " and contype = 'c'")).isEqualTo(1);
        }
    }

    @Test
    void fieldsTablesAndTemplatesAsTheArgumentsSay() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "dispatch_fields");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            root.exec("create table public.src (id int primary key, ts timestamp, v text, secret text)");
            root.exec("create table public.yr " + EV);
            leaf.exec("create table public.src (id int primary key, ts timestamp, v text, secret text);"
                      + "create table public.renamed (id int primary key, value text);"
                      + "create table public.yr " + EV);
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            add(root, "src", AddTableOptions.DEFAULTS);
            add(root, "yr", AddTableOptions.DEFAULTS);
            // the copy would fill src itself: the rows go elsewhere, so no copy (as londiste3's notes say)
            add(leaf, "src", new AddTableOptions(true, false, false, null, List.of(), "direct",
                    List.of("fields=id,v:value", "table=public.renamed"), null, null, null, null));
            add(leaf, "yr", handler("dispatch", "part_mode=date_field", "part_field=ts", "period=year",
                    "part_name=%(parent)s_y%(year)s",
                    "part_template=create table %(part)s (like %(parent)s including all) inherits (%(parent)s)",
                    "post_part=comment on table %(part)s is 'made for %(period)s of %(part_field)s'"));
            nodes.ticker(rootDb);
            WorkerLoop worker = nodes.worker(leafDb, HandlerNodes.Q);
            HandlerNodes.awaitInSync(leaf, worker);

            root.exec("insert into src values (1, now(), 'one', 'hidden'), (2, now(), 'two', 'hidden')");
            root.exec("update src set v = 'uno', secret = 'still hidden' where id = 1");
            root.exec("delete from src where id = 2");
            root.exec("insert into yr values (1, '2025-06-01 12:00', 'a'), (2, '2026-01-01 00:00', 'b')");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(worker.lastFailure()).isNull();
                assertThat(leaf.column("select id || ':' || value from renamed")).containsExactly("1:uno");
                assertThat(partitions(leaf, "yr")).containsExactly("yr_y2025", "yr_y2026");
            });
            assertThat(leaf.longValue("select count(*) from src")).isZero();
            assertThat(leaf.value("select obj_description('public.yr_y2025'::regclass)"))
                    .isEqualTo("made for year of ts");
            assertThat(leaf.value("select v from yr_y2026")).isEqualTo("b");
        }
    }

    @Test
    void badArgumentsAreRefusedAsLondiste3Does() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.newDb(0, "dispatch_refuse");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open()) {
            root.exec("create table public.ev " + EV);
            leaf.exec("create table public.ev " + EV);
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf, leafDb, rootDb, "n2");
            add(root, "ev", AddTableOptions.DEFAULTS);
            TableSetup tables = new TableSetup(HandlerNodes.Q);
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("ev"), false,
                    handler("dispatch", "part_mode=date_field"))).hasMessageContaining(
                            "part_mode date_field requires part_field!");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("ev"), false,
                    handler("hourly_field"))).hasMessageContaining("part_mode date_field requires part_field!");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("ev"), false,
                    handler("dispatch", "period=week"))).hasMessageContaining("Bad argument period value 'week'");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("ev"), false,
                    handler("dispatch", "hash_key=id"))).hasMessageContaining("Invalid handler argument: [hash_key]");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("ev"), false,
                    handler("dispatch", "event_types=I,X"))).hasMessageContaining("Unsupported operation: X");
            assertThatThrownBy(() -> tables.addTables(leaf.connection(), List.of("ev"), false,
                    handler("dispatch", "encoding=latin1"))).hasMessageContaining("only utf8 supported");
            assertThat(leaf.longValue("select count(*) from londiste.table_info where local")).isZero();
        }
    }
}
