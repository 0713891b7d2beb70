package io.camelskytools.londiste.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.apply.UrlEncoding;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.schema.SchemaInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * create-root, create-branch and create-leaf, in the order Skytools' admin tool takes the
 * steps (§3.5), so a node made here and one made by londiste3 join the same cascade.
 */
public final class NodeSetup {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSetup.class);

    private final String queue;
    private final String worker;

    /** {@code worker}: the worker's consumer name (londiste3's job_name). */
    public NodeSetup(String queue, String worker) {
        this.queue = queue;
        this.worker = worker;
    }

    /** Installs what is missing (pgq, pgq_node, londiste; Skytools' own are used as they are). */
    public static void installSchemas(Connection c) throws SQLException {
        SchemaInstaller.installPgq(c);
        SchemaInstaller.installPgqNode(c);
        SchemaInstaller.installLondiste(c);
    }

    /** Makes {@code local} the root of the queue, reachable by others at {@code publicLocation}. */
    public String createRoot(Connection local, String node, String publicLocation) throws SQLException {
        Conninfo.parse(publicLocation);
        installSchemas(local);
        NodeInfo existing = NodeClient.nodeInfo(local, queue);
        if (existing != null) {
            throw new LondisteException(401, "Node is already initialized as " + existing.type() + " "
                                             + existing.name() + " of queue " + queue);
        }
        NodeClient.registerLocation(local, queue, node, publicLocation, false);
        String note = NodeClient.createNode(local, queue, "root", node, worker, null, null, null).note();
        // a tick at every ticker run that finds a new row change, not after PgQ's 3 s: the
        // cascade's lag is then the ticker's period (docs/decisions.md)
        PgqClient.setQueueConfig(local, queue, "ticker_max_lag", "0");
        LOG.info("londiste {}: {}", queue, note);
        return note;
    }

    /**
     * Makes {@code local} a branch or leaf under the provider at {@code providerLocation}:
     * announces it on the root and on the provider, subscribes it there, then creates the
     * node here at the provider's global watermark with every member's location and the
     * queue's tables and sequences.
     */
    public String createSubscriber(Connection local, String type, String node, String publicLocation,
                                   String providerLocation) throws SQLException {
        return createSubscriber(local, type, node, publicLocation, providerLocation, null, null);
    }

    /**
     * As {@link #createSubscriber(Connection, String, String, String, String)}; with
     * {@code combinedQueue} (a leaf only) the node is a merge-leaf: its worker also feeds
     * that queue, which must already have its node (root or branch) in this database. A
     * branch with {@code syncWatermark} (node names, londiste3's {@code --sync-watermark})
     * gets the node attribute {@code sync_watermark}: its worker then keeps the branch's
     * global watermark at the lowest local watermark of those nodes and its own
     * (worker/SyncedWatermark).
     */
    public String createSubscriber(Connection local, String type, String node, String publicLocation,
                                   String providerLocation, String combinedQueue, List<String> syncWatermark)
            throws SQLException {
        if (!type.equals("branch") && !type.equals("leaf")) {
            throw new IllegalArgumentException("node type must be branch or leaf, not " + type);
        }
        if (syncWatermark != null && !type.equals("branch")) {
            throw new IllegalArgumentException("--sync-watermark can be used only for branch nodes");
        }
        Conninfo.parse(publicLocation);
        installSchemas(local);
        if (combinedQueue != null) {
            checkCombinedQueue(local, type, combinedQueue);
        }
        NodeInfo existing = NodeClient.nodeInfo(local, queue);
        if (existing != null) {
            throw new LondisteException(401, "Node is already initialized as " + existing.type() + " "
                                             + existing.name() + " of queue " + queue);
        }
        try (Connection provider = open(providerLocation)) {
            NodeInfo providerNode = NodeClient.nodeInfo(provider, queue);
            if (providerNode == null) {
                throw new LondisteException(404, "the provider " + Conninfo.mask(providerLocation)
                                                 + " is no node of queue " + queue);
            }
            if (providerNode.isLeaf()) {
                throw new LondisteException(401, "the provider " + providerNode.name()
                                                 + " is a leaf: a leaf cannot be a provider");
            }
            for (NodeClient.Member m : NodeClient.members(provider, queue)) {
                if (m.name().equals(node)) {
                    throw new LondisteException(401, "node " + node + " is already a member of queue " + queue);
                }
            }
            announceOnRoot(provider, providerNode, node, publicLocation);
            NodeClient.registerLocation(provider, queue, node, publicLocation, false);
            long watermark = NodeClient.registerSubscriber(provider, queue, node, worker, null);
            for (NodeClient.Member m : NodeClient.members(provider, queue)) {
                NodeClient.registerLocation(local, queue, m.name(), m.location(), m.dead());
            }
            NodeClient.registerLocation(local, queue, node, publicLocation, false);
            String note = NodeClient.createNode(local, queue, type, node, worker, providerNode.name(), watermark,
                    combinedQueue).note();
            if (syncWatermark != null) {
                NodeClient.call(local, "pgq_node.set_node_attrs", queue,
                        UrlEncoding.encode(Map.of("sync_watermark", String.join(",", syncWatermark))))
                        .orThrow("set sync_watermark of node " + node);
            }
            for (TableInfo t : TableClient.tables(provider, queue)) {
                TableClient.globalAddTable(local, queue, t.name()).orThrow("add table " + t.name());
            }
            for (Map<String, Object> s : TableClient.seqs(provider, queue)) {
                Object v = s.get("last_value");
                if (v != null) {
                    TableClient.globalUpdateSeq(local, queue, (String) s.get("seq_name"), ((Number) v).longValue());
                }
            }
            LOG.info("londiste {}: {}", queue, note);
            return note;
        }
    }

    /** A merge-leaf feeds a combined queue that is a root or branch node in its own database. */
    private void checkCombinedQueue(Connection local, String type, String combinedQueue) throws SQLException {
        if (!type.equals("leaf")) {
            throw new IllegalArgumentException("--merge is for a leaf only, not a " + type);
        }
        if (combinedQueue.equals(queue)) {
            throw new IllegalArgumentException("the combined queue must be another queue than " + queue);
        }
        NodeInfo combined = NodeClient.nodeInfo(local, combinedQueue);
        if (combined == null || combined.isLeaf()) {
            throw new LondisteException(404, "combined queue " + combinedQueue + " has no root or branch node"
                                             + " in this database (create it first)");
        }
    }

    /** Registers the new node's location on the root (which tells the cascade through the queue). */
    private void announceOnRoot(Connection provider, NodeInfo providerNode, String node, String location)
            throws SQLException {
        if (providerNode.isRoot()) {
            NodeClient.registerLocation(provider, queue, node, location, false);
            return;
        }
        String rootLocation = findRoot(providerNode, List.of());
        try (Connection root = open(rootLocation)) {
            NodeClient.registerLocation(root, queue, node, location, false);
        }
    }

    /** Follows the providers up to the root; its location. */
    private String findRoot(NodeInfo from, List<String> seen) throws SQLException {
        NodeInfo at = from;
        String location = from.providerLocation();
        for (int hops = 0; hops < 32; hops++) {
            try (Connection c = open(location)) {
                at = NodeClient.nodeInfo(c, queue);
                if (at == null) {
                    throw new LondisteException(404, "node at " + Conninfo.mask(location) + " is no node of queue "
                                                     + queue);
                }
                if (at.isRoot()) {
                    return location;
                }
                location = at.providerLocation();
            }
        }
        throw new LondisteException("no root found above node " + from.name() + " within 32 hops");
    }

    private static Connection open(String conninfo) throws SQLException {
        return Connections.open(Conninfo.parse(conninfo).jdbcUrl(), "londiste admin");
    }
}
