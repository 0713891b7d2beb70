package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider's server and then the target's are restarted (pg_ctl stop -m fast, start)
 * while the worker runs, with changes made before, during (on the other server) and after:
 * the worker reconnects by itself, and the leaf ends up the root's with every increment
 * applied once.
 */
@Tag("needs-debian")
class WorkerSurvivesServerRestartTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "restq";
    static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void workerCarriesOnAfterProviderAndTargetRestarts() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        SystemPgServer rootServer = (SystemPgServer) PG.server(0);
        SystemPgServer leafServer = (SystemPgServer) PG.server(1);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (LondisteNodes nodes = new LondisteNodes()) {
            try (Sql root = rootDb.open(); Sql leaf = leafDb.open()) {
                root.exec("create table public.acc (id int primary key, v int)");
                leaf.exec("create table public.acc (id int primary key, v int)");
                root.exec("insert into acc select i, 0 from generate_series(1, 1000) i");
                new NodeSetup(Q, "rootw").createRoot(root.connection(), "n1", location(rootDb));
                new NodeSetup(Q, "leafw").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb),
                        location(rootDb));
                new TableSetup(Q).addTables(root.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
                new TableSetup(Q).addTables(leaf.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            }
            // pgqd reconnects after a restart; so does this ticker
            Ticker tick = new Ticker(rootDb);
            ticker.scheduleWithFixedDelay(tick::tick, 0, 50, TimeUnit.MILLISECONDS);
            WorkerLoop worker = nodes.worker(leafDb, Q);
            increment(rootDb);
            awaitSame(rootDb, leafDb, worker);

            rootServer.stop("fast");
            rootServer.restart();
            increment(rootDb);
            awaitSame(rootDb, leafDb, worker);

            leafServer.stop("fast");
            // the root goes on while the target is down: the changes wait in the queue
            increment(rootDb);
            leafServer.restart();
            increment(rootDb);
            awaitSame(rootDb, leafDb, worker);
            try (Sql leaf = leafDb.open()) {
                // four rounds of one increment per row: each applied once
                assertThat(leaf.longValue("select sum(v) from acc")).isEqualTo(4000);
            }
        } finally {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** One increment of every row, in 20 transactions. */
    private static void increment(TestDb db) throws SQLException {
        try (Sql s = db.open()) {
            for (int i = 0; i < 20; i++) {
                s.exec("update acc set v = v + 1 where id % 20 = ?", i);
            }
        }
    }

    private static void awaitSame(TestDb rootDb, TestDb leafDb, WorkerLoop worker) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            try (Sql root = rootDb.open(); Sql leaf = leafDb.open()) {
                assertThat(worker.lastFailure()).as("worker failure").isNull();
                assertThat(contents(leaf, "acc")).isEqualTo(contents(root, "acc"));
            }
        });
    }

    /** pgq.ticker() on a connection opened again when the server went away. */
    private static final class Ticker {
        private final TestDb db;
        private Connection c;

        Ticker(TestDb db) {
            this.db = db;
        }

        void tick() {
            try {
                if (c == null || c.isClosed() || !c.isValid(1)) {
                    c = db.connect();
                }
                try (var st = c.createStatement()) {
                    st.execute("select pgq.ticker()");
                }
            } catch (SQLException e) {
                c = null;
            }
        }
    }
}
