package io.camelskytools.londiste.compare;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.table.TableColumns;

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
        for (SyncedTables.Outcome<String[]> o : new SyncedTables(queue, lockTimeout, force, "londiste compare")
                .walk(targetUrl, tables, this::compareOne)) {
            out.add(o.skipped() != null ? new Result(o.table(), null, null, o.skipped())
                    : new Result(o.table(), o.value()[0], o.value()[1], null));
        }
        return out;
    }

    private String[] compareOne(SyncedTables.Pair pair) throws SQLException {
        String source = pair.onProvider().destination();
        String dest = pair.local().destination();
        List<String> cols = TableColumns.common(pair.providerSnap(), source, pair.targetSnap(), dest);
        if (cols.isEmpty()) {
            throw new LondisteException("no common columns found in " + source + " and " + dest);
        }
        String condition = pair.condition();
        return new String[] {summary(pair.providerSnap(), source, cols, condition),
                             summary(pair.targetSnap(), dest, cols, condition)};
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
}
