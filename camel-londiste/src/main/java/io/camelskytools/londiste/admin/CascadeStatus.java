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
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;

/**
 * {@code status}: every member of the cascade as a tree under the root, each with its lag
 * (how old the last tick it holds is, by the root's clock), that tick, PAUSED / NOT UPTODATE,
 * the worker's error and its tables (total / in sync / in copy); dead and unreachable members
 * with what is known of them. {@link StatusText} and {@link StatusJson} print it.
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

    /** Prints the tree (the text of {@code status}); the number of members with a problem. */
    public int print(Connection local, PrintWriter out) throws SQLException {
        CascadeView view = read(local);
        StatusText.print(view, out);
        return view.problems();
    }

    /**
     * Reads every member of the cascade from its own database (dead ones are not read), with
     * the lags by the root's clock; members that could not be read get their provider from the
     * subscriber list of the node they hang from.
     */
    public CascadeView read(Connection local) throws SQLException {
        NodeInfo me = NodeClient.nodeInfo(local, queue);
        if (me == null) {
            throw new LondisteException(404, "this database is no node of queue " + queue);
        }
        Map<String, Member> read = new LinkedHashMap<>();
        Map<String, NodeStatus> unread = new LinkedHashMap<>();
        Map<String, String> providerOf = new LinkedHashMap<>();
        String rootLocation = null;
        for (NodeClient.Member m : NodeClient.members(local, queue)) {
            String masked = Conninfo.mask(m.location());
            if (m.dead()) {
                unread.put(m.name(), NodeStatus.unread(m.name(), NodeStatus.DEAD, "tagged dead", masked, null));
                continue;
            }
            Reading r = readMember(m.name(), m.location());
            if (r.status() != null) {
                unread.put(m.name(), r.status());
                continue;
            }
            read.put(m.name(), r.member());
            for (String sub : r.subscribers()) {
                providerOf.put(sub, m.name());
            }
            if (r.member().info().isRoot()) {
                rootLocation = m.location();
            }
        }
        Map<String, Long> lags = rootLocation == null ? Map.of() : lags(rootLocation, read);
        List<NodeStatus> all = new ArrayList<>();
        for (Member m : read.values()) {
            all.add(status(m, lags.get(m.name())));
        }
        for (NodeStatus s : unread.values()) {
            all.add(s.withProvider(providerOf.get(s.name())));
        }
        return new CascadeView(queue, me.name(), CascadeView.treeOrder(all));
    }

    /** A member read (with the nodes it feeds), or the status of one that could not be. */
    private record Reading(Member member, List<String> subscribers, NodeStatus status) {
    }

    private Reading readMember(String name, String location) {
        String masked = Conninfo.mask(location);
        try (Connection c = Connections.open(Conninfo.parse(location).jdbcUrl(), "londiste status")) {
            NodeInfo info = NodeClient.nodeInfo(c, queue);
            if (info == null) {
                return new Reading(null, List.of(), NodeStatus.unread(name, NodeStatus.NOT_A_NODE,
                        "no node of queue " + queue + " there", masked, null));
            }
            List<String> subscribers = new ArrayList<>();
            if (!info.isLeaf()) {
                for (Map<String, Object> r : QueryRows.list(c,
                        "select node_name from pgq_node.get_subscriber_info(?)", queue)) {
                    subscribers.add((String) r.get("node_name"));
                }
            }
            return new Reading(readLocal(c, info, location), subscribers, null);
        } catch (SQLException | RuntimeException e) {
            boolean unreachable = ServerErrors.isUnreachable(e);
            return new Reading(null, List.of(), NodeStatus.unread(name,
                    unreachable ? NodeStatus.UNREACHABLE : NodeStatus.UNREADABLE, String.valueOf(e.getMessage()),
                    masked, null));
        }
    }

    private static NodeStatus status(Member m, Long lag) {
        NodeInfo n = m.info();
        return new NodeStatus(m.name(), NodeStatus.OK, null, Conninfo.mask(m.location()), n.type(),
                n.isRoot() ? null : n.providerNode(), lag, n.workerLastTick(), n.workerPaused(), n.workerUptodate(),
                m.cur(), m.ok() + m.half(), m.ok(), m.half(), m.ignored());
    }

    /**
     * {@code node-status}: this node only, with its provider and subscribers; 1 when its
     * worker reports an error, else 0.
     */
    public int printNode(Connection local, PrintWriter out) throws SQLException {
        NodeInfo me = NodeClient.nodeInfo(local, queue);
        if (me == null) {
            throw new LondisteException(404, "this database is no node of queue " + queue);
        }
        Map<String, Member> members = new LinkedHashMap<>();
        String rootLocation = null;
        String myLocation = null;
        for (NodeClient.Member m : NodeClient.members(local, queue)) {
            if (m.name().equals(me.name())) {
                myLocation = m.location();
            } else if (!m.dead() && rootLocation == null) {
                Member read = readMember(m.name(), m.location()).member();
                if (read != null && read.info().isRoot()) {
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
        String cur = workerError(c, info);
        return new Member(info.name(), location, info, null, ok, half, ignored, cur);
    }

    /** The error the node's worker last recorded; a root's worker may have no state row (older schemas). */
    private String workerError(Connection c, NodeInfo info) throws SQLException {
        try {
            return NodeClient.consumerState(c, queue, info.worker()).error();
        } catch (LondisteException e) {
            if (info.isRoot()) {
                return null;
            }
            throw e;
        }
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
