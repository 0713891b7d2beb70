package io.camelskytools.londiste.compare;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.apply.HandlerSpec;
import io.camelskytools.londiste.handler.Handlers;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.CopyState;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;

/**
 * The walk compare and repair share (londiste3's syncer): each table in sync on this node and
 * on its provider, both frozen at the same point of the queue ({@link SamePoint}), handed to
 * a body that reads the two REPEATABLE READ snapshots. A table that cannot be looked at is
 * skipped with the reason londiste3 gives.
 */
final class SyncedTables {

    /** What is done with one table while both sides show the same point. */
    interface AtSamePoint<T> {
        T run(Pair pair) throws SQLException;
    }

    /** One table on both sides, with the snapshots to read it in. */
    record Pair(TableInfo local, TableInfo onProvider, Connection providerSnap, Connection targetSnap) {

        /** The rows compare and repair look at: the table's copy_condition, else its handler's. */
        String condition() throws SQLException {
            Map<String, String> attrs = local.attrMap();
            String c = HandlerSpec.ofAttrs(attrs).args().get("copy_condition");
            if (c == null) {
                c = attrs.get("copy_condition");
            }
            // as londiste3: else the handler's copy condition (a shard's rows), read on this node
            return c != null ? c : Handlers.create(local.name(), HandlerSpec.ofAttrs(attrs)).copyCondition(targetSnap);
        }
    }

    /** The outcome for one table: the body's value, or why it was skipped. */
    record Outcome<T>(String table, T value, String skipped) {
    }

    private final String queue;
    private final Duration lockTimeout;
    private final boolean force;
    private final String tool;

    SyncedTables(String queue, Duration lockTimeout, boolean force, String tool) {
        this.queue = queue;
        this.lockTimeout = lockTimeout;
        this.force = force;
        this.tool = tool;
    }

    /** Runs {@code body} for {@code tables} (all local ones when empty) of the node at {@code targetUrl}. */
    <T> List<Outcome<T>> walk(String targetUrl, List<String> tables, AtSamePoint<T> body)
            throws SQLException, InterruptedException {
        List<Outcome<T>> out = new ArrayList<>();
        try (Connection target = Connections.open(targetUrl, tool)) {
            NodeInfo node = NodeClient.nodeInfo(target, queue);
            if (node == null) {
                throw new LondisteException(404, "this database is no node of queue " + queue);
            }
            if (node.isRoot()) {
                throw new LondisteException(400, tool + " runs on a node with a provider, not on the root");
            }
            String providerUrl = Conninfo.parse(node.providerLocation()).jdbcUrl();
            List<TableInfo> local = TableClient.tables(target, queue).stream().filter(TableInfo::local).toList();
            List<String> names = tables.isEmpty() ? local.stream().map(TableInfo::name).toList()
                    : tables.stream().map(t -> t.contains(".") ? t : "public." + t).toList();
            for (String name : names) {
                TableInfo t = local.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
                if (t == null) {
                    out.add(new Outcome<>(name, null, "Table not subscribed"));
                } else if (t.state().phase() != CopyState.Phase.OK) {
                    out.add(new Outcome<>(name, null, "not synced yet"));
                } else {
                    out.add(one(t, providerUrl, targetUrl, target, body));
                }
            }
        }
        return out;
    }

    private <T> Outcome<T> one(TableInfo t, String providerUrl, String targetUrl, Connection target,
                               AtSamePoint<T> body) throws SQLException, InterruptedException {
        try (Connection provider = Connections.open(providerUrl, tool);
             Connection ticks = Connections.open(providerUrl, tool);
             Connection providerSnap = Connections.open(providerUrl, tool);
             Connection targetSnap = Connections.open(targetUrl, tool)) {
            TableInfo onProvider = TableClient.table(provider, queue, t.name());
            if (onProvider == null || !onProvider.local() || onProvider.state().phase() != CopyState.Phase.OK) {
                return new Outcome<>(t.name(), null, "not in sync on the provider");
            }
            SamePoint.freeze(queue, onProvider.destination(), provider, ticks, providerSnap, target, targetSnap,
                    lockTimeout, force);
            T value = body.run(new Pair(t, onProvider, providerSnap, targetSnap));
            providerSnap.commit();
            targetSnap.commit();
            return new Outcome<>(t.name(), value, null);
        }
    }
}
