package io.camelskytools.londiste.admin;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.jdbc.ServerErrors;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;

/**
 * {@code status}: every member of the cascade as a tree under the root, each with its lag
 * (how old the last tick it holds is, by the root's clock), that tick, PAUSED / NOT UPTODATE,
 * the worker's error and its tables (in sync / being copied / not replicated here).
 */
public final class CascadeStatus {

    private final String queue;

    public CascadeStatus(String queue) {
        this.queue = queue;
    }

    /** One member as read from its own database. */
    record Member(String name, String location, NodeInfo info, String error, int ok, int half, int ignored,
                  String cur) {
    }

    /** Prints the tree; the number of members that could not be read or report an error. */
    public int print(Connection local, PrintWriter out) throws SQLException {
        NodeInfo me = NodeClient.nodeInfo(local, queue);
        if (me == null) {
            throw new io.camelskytools.londiste.node.LondisteException(404, "this database is no node of queue " + queue);
        }
        Map<String, Member> members = new LinkedHashMap<>();
        String rootLocation = null;
        for (NodeClient.Member m : NodeClient.members(local, queue)) {
            if (m.dead()) {
                members.put(m.name(), new Member(m.name(), m.location(), null, "dead", 0, 0, 0, null));
                continue;
            }
            Member read = read(m.name(), m.location());
            members.put(m.name(), read);
            if (read.info() != null && read.info().isRoot()) {
                rootLocation = m.location();
            }
        }
        out.println("Queue: " + queue + "   Local node: " + me.name());
        out.println();
        int bad = 0;
        for (Member m : members.values()) {
            if (m.info() == null || m.cur() != null) {
                bad++;
            }
        }
        Map<String, Long> lags = rootLocation == null ? Map.of() : lags(rootLocation, members);
        for (Member m : members.values()) {
            if (m.info() != null && m.info().isRoot()) {
                printTree(out, m, members, lags, "", true);
            }
        }
        for (Member m : members.values()) {
            if (m.info() == null) {
                out.println(m.name() + " (" + m.error() + ")");
            }
        }
        return bad;
    }

    /**
     * {@code node-status}: this node only, with its provider and subscribers; 1 when its
     * worker reports an error, else 0.
     */
    public int printNode(Connection local, PrintWriter out) throws SQLException {
        NodeInfo me = NodeClient.nodeInfo(local, queue);
        if (me == null) {
            throw new io.camelskytools.londiste.node.LondisteException(404, "this database is no node of queue " + queue);
        }
        Map<String, Member> members = new LinkedHashMap<>();
        String rootLocation = null;
        String myLocation = null;
        for (NodeClient.Member m : NodeClient.members(local, queue)) {
            if (m.name().equals(me.name())) {
                myLocation = m.location();
            } else if (!m.dead() && rootLocation == null) {
                Member read = read(m.name(), m.location());
                if (read.info() != null && read.info().isRoot()) {
                    rootLocation = m.location();
                }
            }
        }
        if (me.isRoot()) {
            rootLocation = myLocation;
        }
        Member mine = readLocal(local, me, myLocation);
        members.put(me.name(), mine);
        Map<String, Long> lags = rootLocation == null ? Map.of() : lags(rootLocation, members);
        List<String> subscribers = new ArrayList<>();
        for (Map<String, Object> r : QueryRows.list(local, "select node_name from pgq_node.get_subscriber_info(?)",
                queue)) {
            subscribers.add((String) r.get("node_name"));
        }
        String pad = "    ";
        out.println(me.name() + " (" + me.type() + ")");
        out.println(pad + "Provider: " + (me.isRoot() || me.providerNode() == null ? "" : me.providerNode()));
        out.println(pad + "Subscribers: " + String.join(", ", subscribers));
        out.println(pad + "Tables: " + mine.ok() + "/" + mine.half() + "/" + mine.ignored());
        Long lag = lags.get(me.name());
        out.println(pad + "Lag: " + (lag == null ? "(n/a)" : lag + "s") + ", Tick: " + me.workerLastTick()
                    + (me.workerPaused() ? ", PAUSED" : "") + (me.workerUptodate() ? "" : ", NOT UPTODATE"));
        if (mine.cur() != null) {
            out.println(pad + "ERR: " + me.worker() + ": " + mine.cur());
        }
        return mine.cur() == null ? 0 : 1;
    }

    private void printTree(PrintWriter out, Member m, Map<String, Member> all, Map<String, Long> lags, String indent,
                           boolean top) {
        NodeInfo n = m.info();
        out.println(indent + (top ? "" : "+--: ") + m.name() + " (" + n.type() + ")");
        String pad = indent + (top ? "  " : "     ");
        out.println(pad + "|   Tables: " + m.ok() + "/" + m.half() + "/" + m.ignored());
        Long lag = lags.get(m.name());
        out.println(pad + "|   Lag: " + (lag == null ? "?" : lag + "s") + ", Tick: " + n.workerLastTick()
                    + (n.workerPaused() ? ", PAUSED" : "") + (n.workerUptodate() ? "" : ", NOT UPTODATE"));
        if (m.cur() != null) {
            out.println(pad + "|   ERR: " + m.cur());
        }
        for (Member child : all.values()) {
            if (child.info() != null && !child.info().isRoot() && m.name().equals(child.info().providerNode())) {
                printTree(out, child, all, lags, pad, false);
            }
        }
    }

    private Member read(String name, String location) {
        try (Connection c = Connections.open(Conninfo.parse(location).jdbcUrl(), "londiste status")) {
            NodeInfo info = NodeClient.nodeInfo(c, queue);
            if (info == null) {
                return new Member(name, location, null, "no node of queue " + queue + " there", 0, 0, 0, null);
            }
            return readLocal(c, info, location);
        } catch (SQLException | RuntimeException e) {
            String why = ServerErrors.isUnreachable(e) ? "unreachable: " + e.getMessage() : e.getMessage();
            return new Member(name, location, null, why, 0, 0, 0, null);
        }
    }

    /** A member's tables and worker error, read on its own connection {@code c}. */
    private Member readLocal(Connection c, NodeInfo info, String location) throws SQLException {
        int ok = 0;
        int half = 0;
        int ignored = 0;
        for (TableInfo t : TableClient.tables(c, queue)) {
            if (!t.local()) {
                ignored++;
            } else if ("ok".equals(t.mergeState())) {
                ok++;
            } else {
                half++;
            }
        }
        String cur = info.isRoot() ? null : NodeClient.consumerState(c, queue, info.worker()).error();
        return new Member(info.name(), location, info, null, ok, half, ignored, cur);
    }

    /** Seconds since the tick each member holds was made, by the root's clock. */
    private Map<String, Long> lags(String rootLocation, Map<String, Member> members) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection root = Connections.open(Conninfo.parse(rootLocation).jdbcUrl(), "londiste status");
             PreparedStatement ps = root.prepareStatement(
                     "select extract(epoch from now() - t.tick_time)::bigint from pgq.tick t join pgq.queue q"
                     + " on q.queue_id = t.tick_queue where q.queue_name = ? and t.tick_id = ?")) {
            for (Member m : members.values()) {
                if (m.info() == null || m.info().workerLastTick() == null) {
                    continue;
                }
                ps.setString(1, queue);
                ps.setLong(2, m.info().workerLastTick());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(m.name(), rs.getLong(1));
                    }
                }
            }
        } catch (SQLException e) {
            return out;
        }
        return out;
    }

}
