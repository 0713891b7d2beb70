package io.camelskytools.londiste.admin;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.node.ResultRow;

/**
 * resurrect: an old root that the cascade failed over from comes back as a branch of the
 * node that holds its gravestone ({@code <node>.gravestone}, at the failover tick). The events
 * it made after that tick, which no other node has, are written to a JSON file (the array of
 * londiste3's {@code resurrect-lost-events.json}) and deleted from its queue with their ticks;
 * its worker is left paused. Table data is not touched.
 */
public final class Resurrection {

    /** londiste3's name for the dump, in the working directory. */
    public static final String DUMP_FILE = "resurrect-lost-events.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String queue;
    private final Consumer<String> log;

    public Resurrection(String queue, Consumer<String> log) {
        this.queue = queue;
        this.log = log;
    }

    /** What was done: the node now providing, the failover tick, events dumped and deleted. */
    public record Result(String provider, long failoverTick, long dumped, long deleted) {
    }

    public Result run(Connection local, Path dump) throws SQLException, IOException {
        NodeInfo me = NodeClient.nodeInfo(local, queue);
        if (me == null) {
            throw new LondisteException(404, "this database is no node of queue " + queue);
        }
        if (me.isLeaf()) {
            log.accept("Current node is leaf, nothing to do");
            return new Result(null, 0, 0, 0);
        }
        if (Files.exists(dump)) {
            throw new LondisteException(400, "Dump file exists, cannot perform resurrection: " + dump);
        }
        List<String> subscribers = new ArrayList<>();
        for (Map<String, Object> r : QueryRows.list(local, "select node_name from pgq_node.get_subscriber_info(?)",
                queue)) {
            subscribers.add((String) r.get("node_name"));
        }
        Gravestone g = findGravestone(local, me.name(), subscribers);
        ResultRow worker = NodeClient.call(local, "pgq_node.get_worker_state", queue).orThrow("worker state");
        String workerName = worker.text("worker_name");

        if (me.isRoot()) {
            log.accept("Node " + me.name() + " is root, demoting");
            NodeClient.call(local, "pgq_node.demote_root", queue, 1, g.node).orThrow("demote_root step 1");
            NodeClient.call(local, "pgq_node.demote_root", queue, 2, g.node).orThrow("demote_root step 2");
            boolean auto = local.getAutoCommit();
            local.setAutoCommit(false);
            try {
                // the node becomes a branch and its worker paused at once: it must not read yet
                NodeClient.call(local, "pgq_node.demote_root", queue, 3, g.node).orThrow("demote_root step 3");
                NodeClient.setPaused(local, queue, workerName, true);
                local.commit();
            } catch (SQLException | RuntimeException e) {
                local.rollback();
                throw e;
            } finally {
                local.setAutoCommit(auto);
            }
        } else if (!worker.bool("paused")) {
            log.accept("Node " + me.name() + " is branch, pausing worker: " + workerName);
            NodeClient.setPaused(local, queue, workerName, true);
        }

        for (String sub : subscribers) {
            log.accept("Dropping old subscriber node: " + sub);
            NodeClient.call(local, "pgq_node.unregister_subscriber", queue, sub);
        }
        for (Map<String, Object> r : QueryRows.list(local, "select consumer_name from pgq.get_consumer_info(?)",
                queue)) {
            String name = (String) r.get("consumer_name");
            if (!name.startsWith(".")) {
                log.accept("Dropping old consumer: " + name);
                QueryRows.list(local, "select pgq.unregister_consumer(?, ?)", queue, name);
            }
        }

        long[] counts = dumpAndDelete(local, me.name(), g.tick, dump);

        NodeClient.setCompleted(local, queue, workerName, g.tick);
        try (Connection prov = Connections.open(Conninfo.parse(g.location).jdbcUrl(), "londiste resurrect")) {
            NodeClient.call(prov, "pgq_node.unregister_subscriber", queue, me.name());
            long globalWm = NodeClient.registerSubscriber(prov, queue, me.name(), workerName, g.tick);
            NodeClient.setGlobalWatermark(local, queue, globalWm);
        }
        log.accept("Resurrection done, worker paused: " + counts[0] + " lost events dumped to " + dump + ", "
                   + counts[1] + " deleted; node " + me.name() + " follows " + g.node + " from tick " + g.tick);
        return new Result(g.node, g.tick, counts[0], counts[1]);
    }

    private record Gravestone(String node, String location, long tick) {
    }

    /** The live member that holds this node's gravestone, and the tick it marks. */
    private Gravestone findGravestone(Connection local, String me, List<String> subscribers) throws SQLException {
        Map<String, NodeClient.Member> members = new LinkedHashMap<>();
        for (NodeClient.Member m : NodeClient.members(local, queue)) {
            members.put(m.name(), m);
        }
        List<String> order = new ArrayList<>(subscribers);
        order.addAll(members.keySet());
        Gravestone found = null;
        String root = null;
        for (String name : new LinkedHashSet<>(order)) {
            NodeClient.Member m = members.get(name);
            if (name.equals(me) || m == null || m.dead()) {
                continue;
            }
            try (Connection c = Connections.open(Conninfo.parse(m.location()).jdbcUrl(), "londiste resurrect")) {
                List<Map<String, Object>> cons = QueryRows.list(c,
                        "select last_tick from pgq.get_consumer_info(?, ?)", queue, me + ".gravestone");
                if (cons.size() == 1) {
                    if (found != null) {
                        throw new LondisteException(500, "there are two gravestones of " + me + ": on nodes "
                                                         + found.node + " and " + name);
                    }
                    found = new Gravestone(name, m.location(), ((Number) cons.get(0).get("last_tick")).longValue());
                    log.accept("Found gravestone on node: " + name);
                }
                NodeInfo n = NodeClient.nodeInfo(c, queue);
                if (n != null && n.isRoot()) {
                    root = name;
                }
            } catch (SQLException e) {
                log.accept("failed to check node " + name + ": " + e.getMessage());
            }
        }
        if (root == null) {
            throw new LondisteException(404, "Cannot find new root node");
        }
        if (found == null) {
            throw new LondisteException(404, "Cannot find failover position (" + me + ".gravestone)");
        }
        return found;
    }

    /**
     * Reads every event after {@code failoverTick} with a temporary consumer, writes them to
     * {@code dump}, then deletes those events and their ticks from the local queue.
     * Returns {dumped, deleted}.
     */
    private long[] dumpAndDelete(Connection local, String me, long failoverTick, Path dump)
            throws SQLException, IOException {
        String dumper = me + ".dumper";
        QueryRows.list(local, "select pgq.register_consumer_at(?, ?, ?)", queue, dumper, failoverTick);
        long dumped = 0;
        long finalTick = failoverTick;
        try (Writer w = Files.newBufferedWriter(dump, StandardOpenOption.CREATE_NEW)) {
            String sep = "[";
            while (true) {
                Map<String, Object> b = QueryRows.list(local, "select * from pgq.next_batch_info(?, ?)", queue, dumper)
                        .get(0);
                if (b.get("batch_id") == null) {
                    break;
                }
                long batchId = ((Number) b.get("batch_id")).longValue();
                finalTick = ((Number) b.get("cur_tick_id")).longValue();
                for (Map<String, Object> ev : QueryRows.list(local, "select * from pgq.get_batch_events(?)", batchId)) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    for (String k : List.of("ev_id", "ev_type", "ev_data", "ev_extra1", "ev_extra2", "ev_extra3",
                            "ev_extra4")) {
                        d.put(k, ev.get(k));
                    }
                    Object time = ev.get("ev_time");
                    d.put("ev_time", time instanceof Timestamp ts
                            ? ts.toInstant().atOffset(ZoneOffset.UTC).toString()
                            : time instanceof OffsetDateTime o ? o.toString() : String.valueOf(time));
                    d.put("ev_txid", ev.get("ev_txid"));
                    d.put("ev_retry", ev.get("ev_retry"));
                    d.put("tick_id", b.get("cur_tick_id"));
                    d.put("prev_tick_id", b.get("prev_tick_id"));
                    w.write(sep + "\n" + JSON.writeValueAsString(d));
                    sep = ",";
                    dumped++;
                }
                QueryRows.list(local, "select pgq.finish_batch(?)", batchId);
            }
            w.write(dumped == 0 ? "[\n]\n" : "\n]\n");
        }
        QueryRows.list(local, "select pgq.unregister_consumer(?, ?)", queue, dumper);
        log.accept(dumped + " events dumped");
        if (finalTick == failoverTick) {
            log.accept("No batches found");
            return new long[] {dumped, 0};
        }
        long deleted = 0;
        Map<String, Object> q = QueryRows.list(local,
                "select queue_id, queue_ntables, queue_data_pfx from pgq.queue where queue_name = ?", queue).get(0);
        int ntables = ((Number) q.get("queue_ntables")).intValue();
        String pfx = (String) q.get("queue_data_pfx");
        boolean auto = local.getAutoCommit();
        local.setAutoCommit(false);
        try {
            for (int i = 0; i < ntables; i++) {
                // the batch rule of (failover tick, final tick]: visible in the later snapshot, not in the earlier
                String sql = "delete from " + SqlNames.quoteFqName(pfx + "_" + i) + " e"
                             + " using pgq.tick t1, pgq.tick t2"
                             + " where t1.tick_queue = ? and t1.tick_id = ? and t2.tick_queue = ? and t2.tick_id = ?"
                             + " and not txid_visible_in_snapshot(e.ev_txid, t1.tick_snapshot)"
                             + " and txid_visible_in_snapshot(e.ev_txid, t2.tick_snapshot)";
                try (var ps = local.prepareStatement(sql)) {
                    ps.setObject(1, q.get("queue_id"));
                    ps.setLong(2, failoverTick);
                    ps.setObject(3, q.get("queue_id"));
                    ps.setLong(4, finalTick);
                    deleted += ps.executeUpdate();
                }
            }
            try (var ps = local.prepareStatement(
                    "delete from pgq.tick where tick_queue = ? and tick_id > ? and tick_id <= ?")) {
                ps.setObject(1, q.get("queue_id"));
                ps.setLong(2, failoverTick);
                ps.setLong(3, finalTick);
                log.accept(ps.executeUpdate() + " ticks deleted");
            }
            local.commit();
        } catch (SQLException e) {
            local.rollback();
            throw e;
        } finally {
            local.setAutoCommit(auto);
        }
        log.accept(deleted + " events deleted");
        return new long[] {dumped, deleted};
    }
}
