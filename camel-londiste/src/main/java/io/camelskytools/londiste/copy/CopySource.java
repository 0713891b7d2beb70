package io.camelskytools.londiste.copy;

import java.sql.Connection;
import java.sql.SQLException;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.apply.HandlerSpec;
import io.camelskytools.londiste.handler.Handlers;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;

/**
 * The node a table is copied from, as londiste3 picks it: the worker's provider; the node the
 * table's {@code copy_node} attribute names (add-table / resync {@code --copy-node}); or, for
 * {@code copy_node=?} ({@code --find-copy-node}), the first node up the provider chain that
 * replicates the table into a real table. The node must hold the queue (root or branch): the
 * copy's catch-up reads it there.
 */
public record CopySource(String node, String location) {

    /** The attribute value that asks for the search up the chain. */
    public static final String FIND = "?";

    static CopySource resolve(Connection target, String queue, TableInfo table, String provider,
                              String providerLocation) throws SQLException {
        String wanted = table.attrMap().get("copy_node");
        if (wanted == null || wanted.isBlank()) {
            return new CopySource(provider, providerLocation);
        }
        if (FIND.equals(wanted)) {
            return find(queue, table.name(), provider, providerLocation);
        }
        return named(target, queue, wanted);
    }

    /** A member by name; refused when unknown, this node, or a leaf. */
    public static CopySource named(Connection target, String queue, String node) throws SQLException {
        NodeInfo me = NodeClient.nodeInfo(target, queue);
        if (me != null && node.equals(me.name())) {
            throw new LondisteException(400, "Cannot use itself as provider");
        }
        for (NodeClient.Member m : NodeClient.members(target, queue)) {
            if (m.name().equals(node)) {
                if (m.dead()) {
                    throw new LondisteException(400, "copy node " + node + " is tagged dead");
                }
                return new CopySource(node, m.location());
            }
        }
        throw new LondisteException(404, "Cannot find node <" + node + ">");
    }

    /** The first node from the provider up that has the table with its data. */
    public static CopySource find(String queue, String table, String provider, String providerLocation)
            throws SQLException {
        String name = provider;
        String location = providerLocation;
        while (true) {
            try (Connection c = Connections.open(Conninfo.parse(location).jdbcUrl(), "londiste copy source")) {
                NodeInfo n = NodeClient.nodeInfo(c, queue);
                if (n == null) {
                    throw new LondisteException(404, "Node does not exist: " + name);
                }
                TableInfo t = TableClient.table(c, queue, table);
                if (t != null && t.local() && !n.isLeaf()
                    && Handlers.create(table, HandlerSpec.ofAttrs(t.attrMap())).needsTable()) {
                    return new CopySource(n.name(), location);
                }
                if (n.isRoot()) {
                    throw new LondisteException(404, "Found root and no source found for table " + table);
                }
                name = n.providerNode();
                location = n.providerLocation();
            }
        }
    }
}
