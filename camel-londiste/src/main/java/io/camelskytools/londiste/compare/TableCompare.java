package io.camelskytools.londiste.compare;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.apply.HandlerSpec;
import io.camelskytools.londiste.handler.Handlers;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.CopyState;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;

/**
 * londiste3's compare: for each table in sync here, the provider's and this node's copy at
 * the same point of the queue, counted and checksummed
 * ({@code count(1), sum(hashtext((cols)::text)::bigint)} over the columns both have, or a
 * count only). The caller's exit code is the number of tables that differ.
 */
public final class TableCompare {

    /** The outcome for one table; {@code skipped} says why it was not compared. */
    public record Result(String table, String provider, String local, String skipped) {
        public boolean differs() {
            return skipped == null && !provider.equals(local);
        }
    }

    private final String queue;
    private final Duration lockTimeout;
    private final boolean force;
    private final boolean countOnly;

    public TableCompare(String queue, Duration lockTimeout, boolean force, boolean countOnly) {
        this.queue = queue;
        this.lockTimeout = lockTimeout;
        this.force = force;
        this.countOnly = countOnly;
    }

    /** Compares {@code tables} (all local ones when empty) of the node at {@code targetUrl}. */
    public List<Result> compare(String targetUrl, List<String> tables) throws SQLException, InterruptedException {
        List<Result> out = new ArrayList<>();
        try (Connection target = Connections.open(targetUrl, "londiste compare")) {
            NodeInfo node = NodeClient.nodeInfo(target, queue);
            if (node == null) {
                throw new LondisteException(404, "this database is no node of queue " + queue);
            }
            if (node.isRoot()) {
                throw new LondisteException(400, "compare runs on a node with a provider, not on the root");
            }
            String providerUrl = Conninfo.parse(node.providerLocation()).jdbcUrl();
            List<TableInfo> local = TableClient.tables(target, queue).stream().filter(TableInfo::local).toList();
            List<String> names = tables.isEmpty() ? local.stream().map(TableInfo::name).toList()
                    : tables.stream().map(t -> t.contains(".") ? t : "public." + t).toList();
            for (String name : names) {
                TableInfo t = local.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
                if (t == null) {
                    out.add(new Result(name, null, null, "Table not subscribed"));
                } else if (t.state().phase() != CopyState.Phase.OK) {
                    out.add(new Result(name, null, null, "not synced yet"));
                } else {
                    out.add(compareOne(t, providerUrl, targetUrl, target));
                }
            }
        }
        return out;
    }

    private Result compareOne(TableInfo t, String providerUrl, String targetUrl, Connection target)
            throws SQLException, InterruptedException {
        try (Connection provider = Connections.open(providerUrl, "londiste compare");
             Connection ticks = Connections.open(providerUrl, "londiste compare");
             Connection providerSnap = Connections.open(providerUrl, "londiste compare");
             Connection targetSnap = Connections.open(targetUrl, "londiste compare")) {
            TableInfo onProvider = TableClient.table(provider, queue, t.name());
            if (onProvider == null || !onProvider.local() || onProvider.state().phase() != CopyState.Phase.OK) {
                return new Result(t.name(), null, null, "not in sync on the provider");
            }
            SamePoint.freeze(queue, onProvider.destination(), provider, ticks, providerSnap, target, targetSnap,
                    lockTimeout, force);
            List<String> cols = commonColumns(providerSnap, onProvider.destination(), targetSnap, t.destination());
            String condition = HandlerSpec.ofAttrs(t.attrMap()).args().get("copy_condition");
            if (condition == null) {
                condition = t.attrMap().get("copy_condition");
            }
            if (condition == null) {
                // as londiste3: the handler's copy condition (a shard's rows) on both sides
                condition = Handlers.create(t.name(), HandlerSpec.ofAttrs(t.attrMap())).copyCondition(targetSnap);
            }
            String p = summary(providerSnap, onProvider.destination(), cols, condition);
            String l = summary(targetSnap, t.destination(), cols, condition);
            providerSnap.commit();
            targetSnap.commit();
            return new Result(t.name(), p, l, null);
        }
    }

    private String summary(Connection c, String table, List<String> cols, String condition) throws SQLException {
        String sql = countOnly ? "select count(1) from only " + SqlNames.quoteFqName(table)
                : "select count(1), sum(hashtext((" + String.join(",", cols.stream().map(SqlNames::quoteIdent).toList())
                  + ")::text)::bigint) from only " + SqlNames.quoteFqName(table);
        if (condition != null && !condition.isBlank()) {
            sql += " where " + condition;
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1) + " rows" + (countOnly ? "" : ", checksum=" + rs.getString(2));
        }
    }

    private static List<String> commonColumns(Connection provider, String source, Connection target, String dest)
            throws SQLException {
        List<String> p = columns(provider, source);
        List<String> l = columns(target, dest);
        List<String> out = new ArrayList<>();
        for (String c : p) {
            if (l.contains(c)) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new LondisteException("no common columns found in " + source + " and " + dest);
        }
        return out;
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(
                "select attname from pg_attribute where attrelid = ?::regclass and attnum > 0 and not attisdropped"
                + " order by attnum")) {
            ps.setString(1, SqlNames.quoteFqName(table));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
