package io.camelskytools.runtime.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Our Londiste against python londiste3 and native logical replication, each on its own
 * root and leaf databases of the same two servers, one contender at a time:
 * <ol>
 * <li>initial copy: pgbench's tables to a new leaf (add-table --all), seconds until every
 *     table is replicating;</li>
 * <li>backlog drain: applying stopped, pgbench's TPC-B writes a backlog on the root, applying
 *     started; row changes per second until the leaf holds the root's last transaction;</li>
 * <li>lag: TPC-B at a steady rate, and every 100 ms the age of the newest pgbench_history row
 *     on the leaf (its mtime is the root's transaction time; both servers share a clock).</li>
 * </ol>
 */
final class LondisteBenchmark {

    private static final long POLL_MS = 20;
    private static final long LAG_SAMPLE_MS = 100;
    /** The first seconds of the lag run are the load starting up. */
    static final long LAG_SETTLE_SECONDS = 2;

    private final List<ReplicationContender> contenders;
    private final PgbenchTables pgbench;
    private final PrintWriter out;
    private final int scale;
    private final int transactions;
    private final int tps;
    private final int lagSeconds;

    LondisteBenchmark(List<ReplicationContender> contenders, PgbenchTables pgbench, PrintWriter out, int scale,
                      int transactions, int tps, int lagSeconds) {
        this.contenders = contenders;
        this.pgbench = pgbench;
        this.out = out;
        this.scale = scale;
        this.transactions = transactions;
        this.tps = tps;
        this.lagSeconds = lagSeconds;
    }

    /** Runs the three measures and prints them with the ratios; the figures by name. */
    Map<String, Double> run() throws Exception {
        for (ReplicationContender c : contenders) {
            out.printf("bench: %s: pgbench scale %d on %s, leaf %s%n", c.name(), scale, c.root(), c.leaf());
            out.flush();
            pgbench.create(c.root(), c.leaf(), scale);
            c.setUp();
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        out.printf("== initial copy: pgbench scale %d to a new leaf (add-table --all, until every table is ok)%n", scale);
        for (ReplicationContender c : contenders) {
            copy.put(c.name(), initialCopy(c));
        }
        Map<String, Double> drain = new LinkedHashMap<>();
        out.printf("== backlog drain: %d TPC-B transactions queued while not applying, then applying%n", transactions);
        for (ReplicationContender c : contenders) {
            drain.put(c.name(), drain(c));
        }
        Map<String, double[]> lag = new LinkedHashMap<>();
        out.printf("== lag: TPC-B at %d tps for %d s, the newest row's age on the leaf every %d ms%n", tps, lagSeconds,
                LAG_SAMPLE_MS);
        for (ReplicationContender c : contenders) {
            lag.put(c.name(), lag(c));
        }
        return ratios(copy, drain, lag);
    }

    private double initialCopy(ReplicationContender c) throws Exception {
        long t0 = System.nanoTime();
        c.startCopy();
        waitFor(c.name() + " copying", c::copied);
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf("%s: copied in %.2f s%n", c.name(), s);
        return s;
    }

    private double drain(ReplicationContender c) throws Exception {
        c.stopApplying();
        long before = historyRows(c.root());
        pgbench.load(c.root(), transactions);
        long rows = historyRows(c.root());
        long lastId = c.root().longValue("select max(hid) from pgbench_history");
        long changes = (rows - before) * PgbenchTables.CHANGES_PER_TRANSACTION;
        long t0 = System.nanoTime();
        c.startApplying();
        // transactions are applied in commit order, the history insert last in each: the leaf
        // has the root's count once the last transaction is in
        // has the root's count once the last transaction is in; the row of the highest id is near
        // the end, an index look-up, so the count (a scan) runs only then
        waitFor(c.name() + " draining", () -> c.leaf().longValue("select count(*) from pgbench_history where hid = ?",
                lastId) > 0 && historyRows(c.leaf()) >= rows);
        double s = (System.nanoTime() - t0) / 1e9;
        double perSecond = changes / s;
        out.printf("%s: %,d row changes in %.2f s: %,.0f rows/s%n", c.name(), changes, s, perSecond);
        return perSecond;
    }

    /** mean, p50, p99, max of the lag in seconds. */
    private double[] lag(ReplicationContender c) throws Exception {
        Process load = pgbench.steadyLoad(c.root(), tps, lagSeconds);
        long start = System.nanoTime();
        List<Double> samples = new ArrayList<>();
        try (var leaf = c.leaf().connect(); var st = leaf.prepareStatement(
                "select extract(epoch from clock_timestamp() - mtime) from pgbench_history order by hid desc limit 1")) {
            while (load.isAlive()) {
                long now = System.nanoTime();
                if (now - start > TimeUnit.SECONDS.toNanos(LAG_SETTLE_SECONDS)) {
                    try (var rs = st.executeQuery()) {
                        if (rs.next()) {
                            samples.add(rs.getDouble(1));
                        }
                    }
                }
                // the sampling rhythm of the measure, not a wait for a condition
                TimeUnit.MILLISECONDS.sleep(LAG_SAMPLE_MS);
            }
        }
        if (load.exitValue() != 0) {
            throw new IllegalStateException("bench: pgbench on " + c.root() + " failed (exit " + load.exitValue() + ")");
        }
        if (samples.isEmpty()) {
            throw new IllegalStateException("bench: no lag sample for " + c.name() + " (--lag-seconds too short?)");
        }
        Collections.sort(samples);
        double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double[] r = {mean, samples.get(samples.size() / 2), samples.get((int) Math.min(samples.size() - 1,
                samples.size() * 0.99)), samples.get(samples.size() - 1)};
        out.printf("%s: lag mean %.3f s, p50 %.3f s, p99 %.3f s, max %.3f s (%d samples)%n", c.name(), r[0], r[1], r[2],
                r[3], samples.size());
        return r;
    }

    private Map<String, Double> ratios(Map<String, Double> copy, Map<String, Double> drain, Map<String, double[]> lag) {
        String ours = contenders.get(0).name();
        Map<String, Double> r = new LinkedHashMap<>();
        out.println();
        out.println("== ratios");
        for (ReplicationContender c : contenders.subList(1, contenders.size())) {
            String other = c.name();
            double d = drain.get(ours) / drain.get(other);
            double t = copy.get(ours) / copy.get(other);
            double l = lag.get(ours)[0] / lag.get(other)[0];
            out.printf("backlog drain: ours %,.0f rows/s, %s %,.0f rows/s: %.2fx%n", drain.get(ours), other,
                    drain.get(other), d);
            out.printf("initial copy: ours %.2f s, %s %.2f s: %.2fx the time%n", copy.get(ours), other,
                    copy.get(other), t);
            out.printf("lag (mean): ours %.3f s, %s %.3f s: %.2fx%n", lag.get(ours)[0], other, lag.get(other)[0], l);
            r.put("drain ours/" + other, d);
            r.put("copy time ours/" + other, t);
            r.put("lag ours/" + other, l);
        }
        return r;
    }

    private long historyRows(BenchNode node) throws Exception {
        return node.longValue("select count(*) from pgbench_history");
    }

    private interface Condition {
        boolean met() throws Exception;
    }

    /** Polls every 20 ms until the condition holds; fails after 30 minutes. */
    private static void waitFor(String what, Condition done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (!done.met()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: " + what + " did not finish within 30 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
    }
}
