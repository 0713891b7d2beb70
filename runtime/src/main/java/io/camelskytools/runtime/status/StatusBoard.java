package io.camelskytools.runtime.status;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the status page shows: the latest figures of every database's queues and consumers,
 * as {@link DatabaseStats} last read them, and each consumer's lag over the last
 * {@code window} (one sample per read). Kept in memory only; a restart starts a new chart.
 */
public final class StatusBoard {

    record QueueRow(String queue, double tickerLagSeconds, double eventsPerSecond, long newEvents) {
    }

    record ConsumerRow(String queue, String consumer, double lagSeconds, double lastSeenSeconds, long pendingEvents) {
    }

    private record Sample(long atMillis, double lagSeconds) {
    }

    /** A Londiste node this runtime works: its lag, tick, problem and each table's state. */
    record LondisteRow(String job, String queue, String node, String type, Double lagSeconds, Long tick,
                       boolean paused, String problem, Map<String, String> tables) {
    }

    /** An exclusive consumer of this runtime: who leads it (null: nobody), and whether that is this runtime. */
    record ExclusiveRow(String queue, String consumer, String namespace, String leader, boolean here) {
    }

    private final Map<String, LondisteRow> londiste = new TreeMap<>();
    private volatile List<String> singletonNamespaces = List.of();

    /** The namespaces of the runtime's singletons, so that their locks are shown by name. */
    public void singletonNamespaces(List<String> namespaces) {
        singletonNamespaces = List.copyOf(namespaces);
    }

    List<String> singletonNamespaces() {
        return singletonNamespaces;
    }

    /** The runtimes with cluster sessions in {@code db}, and who leads this runtime's exclusive consumers there. */
    synchronized void updateCluster(String db, List<ClusterMembers.Member> members, List<ExclusiveRow> exclusive) {
        Database d = databases.computeIfAbsent(db, k -> new Database());
        d.members = List.copyOf(members);
        d.exclusive = List.copyOf(exclusive);
    }

    /** The last read of a Londiste node (a failed read has null figures and the problem). */
    synchronized void updateLondiste(LondisteRow row) {
        londiste.put(row.job(), row);
    }

    private static final class Database {
        List<QueueRow> queues = List.of();
        List<ConsumerRow> consumers = List.of();
        List<ClusterMembers.Member> members = List.of();
        List<ExclusiveRow> exclusive = List.of();
        String problem = "not read yet";
        long readAtMillis;
        final Map<String, Deque<Sample>> history = new HashMap<>();
    }

    private final Duration window;
    private final Map<String, Database> databases = new TreeMap<>();

    public StatusBoard(Duration window) {
        this.window = window;
    }

    Duration window() {
        return window;
    }

    /** A successful read of database {@code db}; {@code problem} is what its health check says, or null. */
    synchronized void update(String db, List<QueueRow> queues, List<ConsumerRow> consumers, String problem, long nowMillis) {
        Database d = databases.computeIfAbsent(db, k -> new Database());
        d.queues = List.copyOf(queues);
        d.consumers = List.copyOf(consumers);
        d.problem = problem;
        d.readAtMillis = nowMillis;
        Map<String, Deque<Sample>> kept = new HashMap<>();
        for (ConsumerRow c : consumers) {
            String key = c.queue() + "/" + c.consumer();
            Deque<Sample> samples = d.history.getOrDefault(key, new ArrayDeque<>());
            samples.addLast(new Sample(nowMillis, c.lagSeconds()));
            while (!samples.isEmpty() && samples.peekFirst().atMillis() < nowMillis - window.toMillis()) {
                samples.removeFirst();
            }
            kept.put(key, samples);
        }
        // an unregistered consumer leaves the chart with its last row
        d.history.keySet().retainAll(kept.keySet());
        d.history.putAll(kept);
    }

    /** A failed read: the figures stay as they were, the problem is shown. */
    synchronized void failed(String db, String problem, long nowMillis) {
        Database d = databases.computeIfAbsent(db, k -> new Database());
        d.problem = problem;
        d.readAtMillis = nowMillis;
    }

    /** Everything the page draws, as plain maps and lists for a JSON writer. */
    synchronized Map<String, Object> snapshot(long nowMillis) {
        List<Object> dbs = new ArrayList<>();
        databases.forEach((name, d) -> {
            Map<String, Object> db = new LinkedHashMap<>();
            db.put("name", name);
            db.put("problem", d.problem);
            db.put("readAt", d.readAtMillis);
            db.put("queues", d.queues);
            List<Object> consumers = new ArrayList<>();
            for (ConsumerRow c : d.consumers) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("queue", c.queue());
                row.put("consumer", c.consumer());
                row.put("lagSeconds", c.lagSeconds());
                row.put("lastSeenSeconds", c.lastSeenSeconds());
                row.put("pendingEvents", c.pendingEvents());
                List<double[]> lag = new ArrayList<>();
                for (Sample s : d.history.getOrDefault(c.queue() + "/" + c.consumer(), new ArrayDeque<>())) {
                    lag.add(new double[] {s.atMillis(), s.lagSeconds()});
                }
                row.put("lagHistory", lag);
                consumers.add(row);
            }
            db.put("consumers", consumers);
            db.put("members", d.members);
            db.put("exclusive", d.exclusive);
            dbs.add(db);
        });
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("now", nowMillis);
        all.put("windowSeconds", window.toSeconds());
        all.put("databases", dbs);
        all.put("londiste", List.copyOf(londiste.values()));
        return all;
    }
}
