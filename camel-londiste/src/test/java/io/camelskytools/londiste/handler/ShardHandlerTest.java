package io.camelskytools.londiste.handler;

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
import io.camelskytools.londiste.compare.TableCompare;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code shard} and its old name {@code part}: the root's trigger tags each event with the row's
 * hash, two leaves (shard 0 and 1 of 2, from partconf.conf) each copy and replay only their half,
 * and together hold exactly the root's rows; {@code disable_replay=1} neither copies nor
 * replays a table.
 */
class ShardHandlerTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    static final String PARTCONF = "create schema partconf;"
            + "create table partconf.conf (shard_nr int, shard_mask int, shard_count int);"
            + "create function partconf.get_hash_raw(i int) returns int language sql immutable"
            + " as 'select hashint4(i)';";

    static String rows(Sql s, String where) throws Exception {
        return String.valueOf(s.column("select id || ':' || coalesce(v, 'null') from sh " + where + " order by id"));
    }

    @Test
    void eachLeafHoldsItsShard() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leaf0Db = PG.newDb(0, "shard0");
        TestDb leaf1Db = PG.newDb(0, "shard1");
        String table = "create table public.sh (id int primary key, v text)";
        try (Sql root = rootDb.open(); Sql leaf0 = leaf0Db.open(); Sql leaf1 = leaf1Db.open();
             LondisteNodes nodes = new LondisteNodes()) {
            root.exec(PARTCONF + table + "; create table public.off (id int primary key)");
            root.exec("insert into sh select i, 'old ' || i from generate_series(1, 100) i");
            root.exec("insert into off values (0)");
            leaf0.exec(PARTCONF + table + "; insert into partconf.conf values (0, 1, 2);"
                       + "create table public.off (id int primary key)");
            leaf1.exec(PARTCONF + table + "; insert into partconf.conf values (1, 1, 2)");
            HandlerNodes.root(root, rootDb);
            HandlerNodes.leaf(leaf0, leaf0Db, rootDb, "s0");
            HandlerNodes.leaf(leaf1, leaf1Db, rootDb, "s1");
            add(root, "sh", handler("shard", "hash_key=id"));
            add(root, "off", AddTableOptions.DEFAULTS);

            TableSetup tables = new TableSetup(HandlerNodes.Q);
            assertThatThrownBy(() -> tables.addTables(leaf0.connection(), List.of("sh"), false, handler("shard")))
                    .hasMessageContaining("Specify hash key field as hash_key argument");
            assertThatThrownBy(() -> tables.addTables(leaf0.connection(), List.of("sh"), false,
                    handler("shard", "hash_key=id", "ignore_truncate=yes")))
                    .hasMessageContaining("ignore_truncate");
            assertThat(leaf0.longValue("select count(*) from londiste.table_info where local")).isZero();

            add(leaf0, "sh", handler("shard", "hash_key=id"));
            add(leaf1, "sh", handler("part", "key=id"));
            add(leaf0, "off", handler("shard", "hash_key=id", "disable_replay=1"));
            nodes.ticker(rootDb);
            WorkerLoop w0 = nodes.worker(leaf0Db, HandlerNodes.Q);
            WorkerLoop w1 = nodes.worker(leaf1Db, HandlerNodes.Q);
            HandlerNodes.awaitInSync(leaf0, w0);
            HandlerNodes.awaitInSync(leaf1, w1);

            root.exec("insert into sh select i, 'new ' || i from generate_series(101, 200) i");
            root.exec("update sh set v = null where id % 7 = 0");
            root.exec("delete from sh where id % 11 = 0");
            root.exec("insert into off values (1)");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(w0.lastFailure()).isNull();
                assertThat(w1.lastFailure()).isNull();
                assertThat(rows(leaf0, "")).isEqualTo(rows(root, "where (partconf.get_hash_raw(id) & 1) = 0"));
                assertThat(rows(leaf1, "")).isEqualTo(rows(root, "where (partconf.get_hash_raw(id) & 1) = 1"));
            });
            long both = leaf0.longValue("select count(*) from sh") + leaf1.longValue("select count(*) from sh");
            assertThat(both).isEqualTo(root.longValue("select count(*) from sh"));
            assertThat(leaf0.longValue("select count(*) from sh")).isBetween(1L, both - 1);
            // the hash travels in ev_extra3, as londiste3's trigger argument puts it
            assertThat(root.value("select exists (select 1 from pg_trigger where tgrelid = 'public.sh'::regclass"
                                  + " and encode(tgargs, 'escape') like '%ev_extra3=''hash=''||%')")).isEqualTo(true);
            // compare filters the provider's rows by the shard, as londiste3's does
            for (TestDb leafDb : List.of(leaf0Db, leaf1Db)) {
                List<TableCompare.Result> cmp = new TableCompare(HandlerNodes.Q, Duration.ofSeconds(30), false, false)
                        .compare(leafDb.jdbcUrl(), List.of("sh"));
                assertThat(cmp).singleElement().satisfies(r -> {
                    assertThat(r.skipped()).isNull();
                    assertThat(r.differs()).as(r.toString()).isFalse();
                });
            }
            // disable_replay: neither the copy nor the events reach the table
            assertThat(leaf0.longValue("select count(*) from off")).isZero();
        }
    }
}
