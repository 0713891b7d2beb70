package io.camelskytools.runtime.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.worker.LondisteWorker;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.londiste.worker.WorkerSettings;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Our Londiste on our schemas: root and leaf made as `skytools londiste create-root` /
 * `create-leaf` make them, the root's queue ticked by our ticker routes every
 * {@code tickerPeriod} and set to tick on every ticker run that sees an event
 * ({@code ticker_max_lag = 0}), each worker a {@link WorkerLoop} in this JVM at londiste3's
 * default settings.
 */
final class OurLondiste implements ReplicationContender {

    private static final String QUEUE = "bench_ours";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final BenchNode root;
    private final BenchNode leaf;
    private final Duration tickerPeriod;
    private CamelContext ticker;
    private WorkerLoop rootWorker;
    private WorkerLoop leafWorker;

    OurLondiste(BenchNode root, BenchNode leaf, Duration tickerPeriod) {
        this.root = root;
        this.leaf = leaf;
        this.tickerPeriod = tickerPeriod;
    }

    @Override
    public String name() {
        return "ours";
    }

    @Override
    public BenchNode root() {
        return root;
    }

    @Override
    public BenchNode leaf() {
        return leaf;
    }

    @Override
    public void setUp() throws Exception {
        try (Connection c = root.connect()) {
            new NodeSetup(QUEUE, "bench_ours_root").createRoot(c, "n1", root.conninfo());
            check(new TableSetup(QUEUE).addTables(c, PgbenchTables.TABLES, false, AddTableOptions.DEFAULTS));
            try (PreparedStatement ps = c.prepareStatement("select pgq.set_queue_config(?, 'ticker_max_lag', '0')")) {
                ps.setString(1, QUEUE);
                ps.execute();
            }
        }
        try (Connection c = leaf.connect()) {
            new NodeSetup(QUEUE, "bench_ours_leaf").createSubscriber(c, "leaf", "n2", leaf.conninfo(), root.conninfo());
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(root.url());
        ticker = new DefaultCamelContext();
        ticker.getRegistry().bind("benchRoot", ds);
        ticker.addRoutes(new PgqTickerRoutes().database("benchRoot").tickerPeriod(tickerPeriod));
        ticker.start();
        rootWorker = startWorker(root, "root");
    }

    @Override
    public void startCopy() throws Exception {
        startApplying();
        try (Connection c = leaf.connect()) {
            check(new TableSetup(QUEUE).addTables(c, List.of(), true, AddTableOptions.DEFAULTS));
        }
    }

    @Override
    public boolean copied() throws Exception {
        return leaf.longValue("select count(*) from londiste.table_info where local and merge_state = 'ok'")
               == PgbenchTables.TABLES.size();
    }

    @Override
    public void stopApplying() throws Exception {
        stop(leafWorker);
        leafWorker = null;
    }

    @Override
    public void startApplying() {
        leafWorker = startWorker(leaf, "leaf");
    }

    @Override
    public void close() throws Exception {
        stop(leafWorker);
        stop(rootWorker);
        if (ticker != null) {
            ticker.close();
        }
    }

    private static WorkerLoop startWorker(BenchNode node, String which) {
        WorkerSettings settings = WorkerSettings.defaults(QUEUE, node.url());
        WorkerLoop loop = new WorkerLoop(new LondisteWorker(settings), settings.loopDelay(), Duration.ofSeconds(1));
        Thread t = new Thread(loop, "bench-londiste-" + which);
        t.setDaemon(true);
        t.start();
        return loop;
    }

    private static void stop(WorkerLoop loop) throws InterruptedException {
        if (loop != null && !loop.stop(STOP_TIMEOUT)) {
            throw new IllegalStateException("bench: our worker did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        }
    }

    private static void check(List<TableSetup.Outcome> outcomes) {
        for (TableSetup.Outcome o : outcomes) {
            if (!o.ok()) {
                throw new IllegalStateException("bench: add-table " + o.table() + ": " + o.note());
            }
        }
    }
}
