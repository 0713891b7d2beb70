package io.camelskytools.londiste.handler;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.apply.CopyText;
import io.camelskytools.londiste.apply.RowChange;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table's row changes of a batch collected by primary key and written in bulk, as
 * londiste3's bulk loader: per key only the net change is kept (I then D is nothing, D then I
 * an update, the last row image wins); at flush the deletes go through a temp table
 * ({@code <schema>_<table>_loadertmp}) and one DELETE ... USING, the updates through it and one
 * UPDATE ... FROM (method 0) or DELETE + INSERT ... SELECT (methods 1 and 2; 2 sends the inserts
 * that way too), the inserts by COPY into the table. Method 3 (dispatch only) takes inserts
 * only. Values travel in COPY text format, NULL as {@code \N}, so the server casts them.
 */
final class BulkLoad {

    private static final Logger LOG = LoggerFactory.getLogger(BulkLoad.class);

    static final int CORRECT = 0;
    static final int DELETE = 1;
    static final int MERGED = 2;
    static final int INSERT = 3;

    /** The net operation of a key; {@code GONE} is a row made and deleted within the batch. */
    private enum Net { I, U, D, GONE }

    private record Pending(Net op, Map<String, String> row) {
    }

    private final String table;
    private final int method;
    private final boolean analyze;
    private final Map<Object, Pending> byKey = new LinkedHashMap<>();
    private List<String> keys;
    private List<String> columns;
    private List<String> tempColumns;
    private long fakeKey;

    BulkLoad(String table, int method, boolean analyze) {
        this.table = table;
        this.method = method;
        this.analyze = analyze;
    }

    /** Takes one change; a change of column set flushes what was collected under the old one. */
    void add(RowChange change, Connection target) throws SQLException {
        if (method == INSERT && change.op() != 'I') {
            throw new SQLException(change.op() + " not supported by method insert (table " + table + ")");
        }
        List<String> cols = new ArrayList<>(change.row().keySet());
        if (columns != null && (!cols.equals(columns) || !change.keys().equals(keys))) {
            flush(target);
        }
        columns = cols;
        keys = change.keys();
        Object key;
        if (keys.isEmpty()) {
            if (change.op() != 'I') {
                throw new SQLException("non-pk tables not supported: " + table);
            }
            key = fakeKey++;
        } else {
            List<String> k = new ArrayList<>(keys.size());
            for (String c : keys) {
                k.add(change.row().get(c));
            }
            key = k;
        }
        Pending before = byKey.get(key);
        Net next = next(before == null ? null : before.op(), change.op());
        if (next == Net.U && keys.size() == cols.size()) {
            // a key-only row that exists before and after: nothing to write
            byKey.remove(key);
            return;
        }
        byKey.put(key, new Pending(next, change.row()));
    }

    /** londiste3's transitions: a first event is what it is; I+D gone, D+I update, U+D delete, gone+I insert. */
    private static Net next(Net now, char op) {
        if (now == null) {
            return switch (op) {
                case 'I' -> Net.I;
                case 'U' -> Net.U;
                default -> Net.D;
            };
        }
        return switch (now) {
            case I -> op == 'D' ? Net.GONE : Net.I;
            case U -> op == 'D' ? Net.D : Net.U;
            case D -> op == 'I' ? Net.U : Net.D;
            case GONE -> op == 'I' ? Net.I : Net.GONE;
        };
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** Writes what was collected. */
    void flush(Connection target) throws SQLException {
        if (byKey.isEmpty()) {
            return;
        }
        List<Map<String, String>> ins = new ArrayList<>();
        List<Map<String, String>> upd = new ArrayList<>();
        List<Map<String, String>> del = new ArrayList<>();
        for (Pending p : byKey.values()) {
            switch (p.op()) {
                case I -> ins.add(p.row());
                case U -> upd.add(p.row());
                case D -> del.add(p.row());
                default -> {
                    // made and gone within the batch
                }
            }
        }
        byKey.clear();
        int realUpdates = upd.size();
        if (method == MERGED) {
            upd.addAll(ins);
            ins.clear();
        }
        String qt = SqlNames.quoteFqName(table);
        if (!del.isEmpty()) {
            copyIntoTemp(target, del);
            long n = update(target, "delete from only " + qt + " using " + temp() + " as t where " + keyMatch(qt));
            if (n != del.size()) {
                LOG.warn("bulk {}: delete mismatch: expected={} deleted={}", table, del.size(), n);
            }
        }
        if (!upd.isEmpty()) {
            copyIntoTemp(target, upd);
            if (method == CORRECT) {
                long n = update(target, "update only " + qt + " set " + setList() + " from " + temp() + " as t where "
                                        + keyMatch(qt));
                if (n != upd.size()) {
                    LOG.warn("bulk {}: update mismatch: expected={} updated={}", table, upd.size(), n);
                }
            } else {
                long n = update(target, "delete from only " + qt + " using " + temp() + " as t where "
                                        + keyMatch(qt));
                if (n != realUpdates) {
                    LOG.warn("bulk {}: update mismatch: expected={} deleted={}", table, realUpdates, n);
                }
                String cols = columnList();
                update(target, "insert into " + qt + " (" + cols + ") select " + cols + " from " + temp());
            }
        }
        if (!ins.isEmpty()) {
            copy(target, qt, ins);
        }
    }

    private String temp() {
        return SqlNames.quoteIdent(table.replace('.', '_') + "_loadertmp");
    }

    /** The temp table (made once per session and column set, like the table), emptied, then filled. */
    private void copyIntoTemp(Connection target, List<Map<String, String>> rows) throws SQLException {
        try (Statement st = target.createStatement()) {
            if (!columns.equals(tempColumns)) {
                // a new column set (or the first flush of this handler): the table may have changed
                st.execute("drop table if exists pg_temp." + temp());
                st.execute("create temp table " + temp() + " (like " + SqlNames.quoteFqName(table)
                           + ") on commit preserve rows");
                tempColumns = columns;
            } else {
                st.execute("create temp table if not exists " + temp() + " (like " + SqlNames.quoteFqName(table)
                           + ") on commit preserve rows");
                st.execute("truncate " + temp());
            }
        }
        copy(target, temp(), rows);
        if (analyze) {
            update(target, "analyze " + temp());
        }
    }

    private void copy(Connection target, String quotedTable, List<Map<String, String>> rows) throws SQLException {
        StringBuilder data = new StringBuilder(rows.size() * 64);
        for (Map<String, String> row : rows) {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    data.append('\t');
                }
                CopyText.field(data, row.get(columns.get(i)));
            }
            data.append('\n');
        }
        try {
            target.unwrap(PGConnection.class).getCopyAPI().copyIn("copy " + quotedTable + " (" + columnList()
                                                                  + ") from stdin", new StringReader(data.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into " + quotedTable + " failed: " + e.getMessage(), e);
        }
    }

    private static long update(Connection target, String sql) throws SQLException {
        try (Statement st = target.createStatement()) {
            return st.executeLargeUpdate(sql);
        }
    }

    private String columnList() {
        List<String> q = new ArrayList<>();
        for (String c : columns) {
            q.add(SqlNames.quoteIdent(c));
        }
        return String.join(", ", q);
    }

    private String keyMatch(String qt) {
        List<String> q = new ArrayList<>();
        for (String k : keys) {
            q.add(qt + "." + SqlNames.quoteIdent(k) + " = t." + SqlNames.quoteIdent(k));
        }
        return String.join(" and ", q);
    }

    private String setList() {
        List<String> q = new ArrayList<>();
        for (String c : columns) {
            if (!keys.contains(c)) {
                q.add(SqlNames.quoteIdent(c) + " = t." + SqlNames.quoteIdent(c));
            }
        }
        return String.join(", ", q);
    }
}
