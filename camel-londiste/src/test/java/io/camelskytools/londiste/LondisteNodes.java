package io.camelskytools.londiste;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.camelskytools.londiste.worker.LondisteWorker;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.londiste.worker.WorkerSettings;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;

/**
 * Test helpers for Londiste nodes on real servers: their libpq locations, a ticker on the
 * root (what pgqd does), workers run in the background, table contents to compare.
 */
public final class LondisteNodes implements AutoCloseable {

    private final List<AutoCloseable> running = new ArrayList<>();

    /** The libpq connection string of a test database, as pgq_node stores it. */
    public static String location(TestDb db) {
        return "host=" + db.server().host() + " port=" + db.server().port() + " dbname=" + db.name() + " user="
               + db.server().user();
    }

    /** Ticks every queue of {@code root} every 50 ms, as pgqd would. */
    public void ticker(TestDb root) throws SQLException {
        Connection c = root.connect();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleWithFixedDelay(() -> {
            try (var st = c.createStatement()) {
                st.execute("select pgq.ticker()");
            } catch (SQLException e) {
                // the server may be going away at the end of a test
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        running.add(() -> {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            c.close();
        });
    }

    /** Runs the Londiste worker of {@code queue} on {@code node} until closed. */
    public WorkerLoop worker(TestDb node, String queue) {
        return worker(node, WorkerSettings.defaults(queue, node.jdbcUrl()).withLoopDelay(Duration.ofMillis(50)));
    }

    /** Runs a worker with {@code settings} (its queue and database among them) on {@code node} until closed. */
    public WorkerLoop worker(TestDb node, WorkerSettings settings) {
        WorkerLoop loop = new WorkerLoop(new LondisteWorker(settings), Duration.ofMillis(50), Duration.ofMillis(500));
        Thread t = new Thread(loop, "worker-" + node.name());
        t.start();
        running.add(() -> loop.stop(Duration.ofSeconds(30)));
        return loop;
    }

    /** Row count and a checksum of every row's text: equal on both sides when the tables are. */
    public static String contents(Sql s, String table) throws SQLException {
        return String.valueOf(s.row("select count(*) as n, coalesce(sum(hashtext(t::text)::bigint), 0) as sum"
                                    + " from " + table + " t"));
    }

    @Override
    public void close() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }
}
