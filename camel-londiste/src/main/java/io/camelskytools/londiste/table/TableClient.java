package io.camelskytools.londiste.table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.ResultRow;

/** The londiste schema's table and sequence calls, on a connection the caller owns. */
public final class TableClient {

    private TableClient() {
    }

    public static List<TableInfo> tables(Connection c, String queue) throws SQLException {
        List<TableInfo> out = new ArrayList<>();
        for (Map<String, Object> r : QueryRows.list(c, "select * from londiste.get_table_list(?)", queue)) {
            out.add(TableInfo.from(r));
        }
        return out;
    }

    public static TableInfo table(Connection c, String queue, String table) throws SQLException {
        for (TableInfo t : tables(c, queue)) {
            if (t.name().equals(table)) {
                return t;
            }
        }
        return null;
    }

    public static void setState(Connection c, String queue, String table, String snapshot, CopyState state)
            throws SQLException {
        NodeClient.call(c, "londiste.local_set_table_state", queue, table, snapshot, state.text())
                .orThrow("set state of table " + table + " to " + state);
    }

    /**
     * londiste.local_add_table in a transaction of its own that a refusal (4xx/5xx) rolls back,
     * as londiste3's exec_cmd does: the function may have marked tables local before it found
     * the reason to refuse (a merge-leaf's "use merge-all or no-merge").
     */
    public static ResultRow addTable(Connection c, String queue, String table, String[] triggerArgs, String attrs,
                                     String destTable) throws SQLException {
        if (!c.getAutoCommit()) {
            return NodeClient.call(c, "londiste.local_add_table", queue, table, triggerArgs, attrs, destTable);
        }
        c.setAutoCommit(false);
        try {
            ResultRow r = NodeClient.call(c, "londiste.local_add_table", queue, table, triggerArgs, attrs, destTable);
            if (r.code() >= 400) {
                c.rollback();
            } else {
                c.commit();
            }
            return r;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    public static ResultRow removeTable(Connection c, String queue, String table) throws SQLException {
        return NodeClient.call(c, "londiste.local_remove_table", queue, table);
    }

    public static ResultRow globalAddTable(Connection c, String queue, String table) throws SQLException {
        return NodeClient.call(c, "londiste.global_add_table", queue, table);
    }

    public static ResultRow globalRemoveTable(Connection c, String queue, String table) throws SQLException {
        return NodeClient.call(c, "londiste.global_remove_table", queue, table);
    }

    public static ResultRow globalUpdateSeq(Connection c, String queue, String seq, long value) throws SQLException {
        return NodeClient.call(c, "londiste.global_update_seq", queue, seq, value);
    }

    public static ResultRow globalRemoveSeq(Connection c, String queue, String seq) throws SQLException {
        return NodeClient.call(c, "londiste.global_remove_seq", queue, seq);
    }

    /** The sequences of the queue: name, last published value, local. */
    public static List<Map<String, Object>> seqs(Connection c, String queue) throws SQLException {
        return QueryRows.list(c, "select * from londiste.get_seq_list(?)", queue);
    }

    /** Drops the foreign keys to and from the table, keeping them in londiste.pending_fkeys. */
    public static int dropFkeys(Connection c, String table) throws SQLException {
        int n = 0;
        for (Map<String, Object> fk : QueryRows.list(c, "select * from londiste.find_table_fkeys(?)", table)) {
            try (PreparedStatement ps = c.prepareStatement("select londiste.drop_table_fkey(?, ?)")) {
                ps.setString(1, (String) fk.get("from_table"));
                ps.setString(2, (String) fk.get("fkey_name"));
                ps.executeQuery().close();
                n++;
            }
        }
        return n;
    }

    /** Restores the pending foreign keys whose tables are all in sync; how many. */
    public static int restoreFkeys(Connection c, String queue) throws SQLException {
        int n = 0;
        for (Map<String, Object> fk : QueryRows.list(c, "select * from londiste.get_valid_pending_fkeys(?)", queue)) {
            try (PreparedStatement ps = c.prepareStatement("select londiste.restore_table_fkey(?, ?)")) {
                ps.setString(1, (String) fk.get("from_table"));
                ps.setString(2, (String) fk.get("fkey_name"));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
                n++;
            }
        }
        return n;
    }
}
