package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * The worker's and the copy's connections are killed again and again (pg_terminate_backend on
 * both servers, as an administrator or a network cut would) while the root is written to and
 * a table is being copied: afterwards the leaf holds exactly what the root holds, nothing
 * applied twice (a second insert of a row would stop the worker on its primary key) and the
 * leaf's recorded tick is the provider's.
 */
class LeafCrashTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "crashq";

    @Test
    void killedConnectionsLoseNothingAndApplyNothingTwice() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            String ddl = "create table public.big (id int primary key, v int, pad text)";
            root.exec(ddl);
            leaf.exec(ddl);
            root.exec("insert into big select i, 0, repeat('x', 200) from generate_series(1, 100000) i");
            new NodeSetup(Q, "rw").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup(Q, "lw").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb), location(rootDb));
            new TableSetup(Q).addTables(root.connection(), List.of("big"), false, AddTableOptions.DEFAULTS);
            nodes.ticker(rootDb);
            new TableSetup(Q).addTables(leaf.connection(), List.of("big"), false, AddTableOptions.DEFAULTS);

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger kills = new AtomicInteger();
            Thread load = new Thread(() -> write(rootDb, writing), "load");
            load.start();
            WorkerLoop worker = nodes.worker(leafDb, Q);
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            try (Connection killRoot = rootDb.connect(); Connection killLeaf = leafDb.connect()) {
                while (System.nanoTime() < until) {
                    kills.addAndGet(terminateLondiste(killRoot) + terminateLondiste(killLeaf));
                    Thread.sleep(250);
                }
            }
            writing.set(false);
            load.join();
            assertThat(kills.get()).as("connections killed").isGreaterThan(5);

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(leaf.value("select merge_state from londiste.table_info where table_name = 'public.big'"))
                        .isEqualTo("ok");
                assertThat(contents(leaf, "big")).isEqualTo(contents(root, "big"));
                assertThat(worker.lastFailure()).isNull();
            });
            long completed = leaf.longValue("select last_tick_id from pgq_node.local_state where consumer_name = 'lw'");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    root.longValue("select last_tick from pgq.get_consumer_info(?, 'lw')", Q))
                    .isGreaterThanOrEqualTo(completed));
        }
    }

    private static int terminateLondiste(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(pg_terminate_backend(pid)) from pg_stat_activity"
                                                       + " where application_name like 'londiste%'");
             var rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Inserts, updates and deletes on the root in small transactions until told to stop. */
    private static void write(TestDb db, AtomicBoolean writing) {
        try (Sql s = db.open()) {
            int next = 200_000;
            while (writing.get()) {
                s.exec("insert into big values (?, 1, 'new')", next++);
                s.exec("update big set v = v + 1 where id = ?", next % 100_000 + 1);
                s.exec("delete from big where id = ?", (next * 7) % 100_000 + 1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
