package io.camelskytools.londiste.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.SqlNames;

/**
 * Writes row changes into the target as the default handler does (INSERT; UPDATE ONLY ... SET
 * the other columns WHERE the keys; DELETE FROM ONLY ... WHERE the keys), values bound as
 * untyped text so the server casts them to the column types. Statements are prepared once per
 * shape and connection, and changes wait in one JDBC batch per destination table until that
 * table's next change has another shape, {@link #flush()} or {@link #execute(String)}: the order
 * of each table's changes is kept, while the tables of a batch interleaved row by row (pgbench's
 * TPC-B touches four) still go to the server in batches, not one round trip per row. This is safe
 * because a batch applies in one transaction with {@code session_replication_role = replica},
 * where no foreign key trigger looks at another table before the commit.
 *
 * <p>An UPDATE event carries the whole new row, so while a table's updates wait, a later update
 * of the same key takes the place of the earlier one: the row ends the same, with one statement
 * instead of many (TPC-B updates its few branch and teller rows in nearly every transaction).
 * Not for tables where the steps could be seen: another unique index (two rows swapping a
 * value need both steps in order) or a trigger that fires on a replica ({@code ENABLE ALWAYS}).
 * Such a table's waiting updates, distinct by key, then go as one statement ({@link ArrayUpdate}).
 */
public final class RowWriter implements AutoCloseable {

    /** Changes held back at most, over all tables, before they are sent. */
    private static final int MAX_PENDING = 1000;

    private final Connection target;
    private final Map<Shape, PreparedStatement> statements = new HashMap<>();
    /** Per destination table, its changes waiting to be sent, all of one shape. */
    private final Map<String, Pending> pendingByTable = new LinkedHashMap<>();
    /** Per destination table, whether its waiting updates of one key may become one. */
    private final Map<String, Boolean> collapsible = new HashMap<>();
    /** Per destination table, its columns' types (for the one-statement update). */
    private final Map<String, Map<String, String>> columnTypes = new HashMap<>();
    /** The one-statement updates, per shape; dropped with the batch's table facts. */
    private final Map<Shape, PreparedStatement> arrayStatements = new HashMap<>();
    private int pending;
    private long rowsWritten;
    private long rowsCollapsed;

    public RowWriter(Connection target) {
        this.target = target;
    }

    /** A statement's identity: table, operation, the columns it names. */
    private record Shape(String table, char op, List<String> columns, List<String> keys) {
    }

    /** A table's waiting rows, keyed by their key values when updates collapse, else in order. */
    private static final class Pending {
        final Shape shape;
        final boolean collapse;
        final Map<Object, Map<String, String>> rows = new LinkedHashMap<>();

        Pending(Shape shape, boolean collapse) {
            this.shape = shape;
            this.collapse = collapse;
        }

        /** Adds a row; false when it replaced a waiting update of the same key. */
        boolean add(Map<String, String> row) {
            if (!collapse) {
                rows.put(rows.size(), row);
                return true;
            }
            List<String> key = new ArrayList<>(shape.keys().size());
            for (String k : shape.keys()) {
                key.add(row.get(k));
            }
            return rows.put(key, row) == null;
        }
    }

    public void write(String table, RowChange change) throws SQLException {
        if (change.keys().isEmpty() && change.op() != 'I') {
            throw new SQLException("event for " + table + " has no primary key columns: cannot "
                                   + (change.op() == 'U' ? "update" : "delete"));
        }
        List<String> columns = new ArrayList<>(change.row().keySet());
        Shape shape = new Shape(table, change.op(), columns, change.keys());
        Pending waiting = pendingByTable.get(table);
        if (waiting != null && !waiting.shape.equals(shape)) {
            flushTable(table);
            waiting = null;
        }
        if (waiting == null) {
            waiting = new Pending(shape, shape.op() == 'U' && collapsible(table));
            pendingByTable.put(table, waiting);
        }
        if (!waiting.add(change.row())) {
            rowsCollapsed++;
        } else if (++pending >= MAX_PENDING) {
            flush();
        }
    }

    /**
     * Called as a batch's transaction begins: drops what still waits (the batch it belonged
     * to did not commit) and what is known of the tables' indexes and triggers (DDL may
     * have come with the previous batch).
     */
    public void startBatch() {
        pendingByTable.clear();
        pending = 0;
        collapsible.clear();
        columnTypes.clear();
        closeAll(arrayStatements.values());
        arrayStatements.clear();
    }

    /** Runs a statement of its own (sqltriga's partial SQL, TRUNCATE) after what is pending. */
    public void execute(String sql) throws SQLException {
        flush();
        try (Statement st = target.createStatement()) {
            st.execute(sql);
        }
    }

    /** Sends what is pending, table by table. */
    public void flush() throws SQLException {
        while (!pendingByTable.isEmpty()) {
            flushTable(pendingByTable.keySet().iterator().next());
        }
    }

    private void flushTable(String table) throws SQLException {
        Pending p = pendingByTable.remove(table);
        int n = p.rows.size();
        pending -= n;
        if (p.collapse && n > 1 && arrayUpdate(p)) {
            rowsWritten += n;
            return;
        }
        PreparedStatement ps = statements.get(p.shape);
        if (ps == null) {
            ps = target.prepareStatement(sql(p.shape));
            statements.put(p.shape, ps);
        }
        for (Map<String, String> row : p.rows.values()) {
            bind(ps, p.shape, row);
            ps.addBatch();
        }
        ps.executeBatch();
        rowsWritten += n;
    }

    /** Sends a table's waiting updates (distinct keys) as one statement; false when it cannot. */
    private boolean arrayUpdate(Pending p) throws SQLException {
        PreparedStatement ps = arrayStatements.get(p.shape);
        if (ps == null) {
            String sql = ArrayUpdate.sql(p.shape.table(), p.shape.columns(), p.shape.keys(), columnTypes(p.shape.table()));
            if (sql == null) {
                return false;
            }
            ps = target.prepareStatement(sql);
            arrayStatements.put(p.shape, ps);
        }
        ArrayUpdate.run(target, ps, p.shape.columns(), p.rows.values());
        return true;
    }

    /** Column name to its type as SQL spells it, read once per batch. */
    private Map<String, String> columnTypes(String table) throws SQLException {
        Map<String, String> types = columnTypes.get(table);
        if (types == null) {
            types = new HashMap<>();
            try (PreparedStatement ps = target.prepareStatement(
                    "select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) from pg_catalog.pg_attribute a"
                    + " where a.attrelid = pg_catalog.to_regclass(?) and a.attnum > 0 and not a.attisdropped")) {
                ps.setString(1, SqlNames.quoteFqName(table));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        types.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            columnTypes.put(table, types);
        }
        return types;
    }

    /** Statements sent for rows (an update replaced by a later one of its key is not one). */
    public long rowsWritten() {
        return rowsWritten;
    }

    /** Updates that a later update of the same key replaced before they were sent. */
    public long rowsCollapsed() {
        return rowsCollapsed;
    }

    private boolean collapsible(String table) throws SQLException {
        Boolean known = collapsible.get(table);
        if (known == null) {
            try (PreparedStatement ps = target.prepareStatement(
                    "select not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid"
                    + " and i.indisunique and not i.indisprimary)"
                    + " and not exists (select 1 from pg_catalog.pg_trigger t where t.tgrelid = c.oid"
                    + " and t.tgenabled = 'A')"
                    + " from pg_catalog.pg_class c where c.oid = pg_catalog.to_regclass(?)")) {
                ps.setString(1, SqlNames.quoteFqName(table));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    known = rs.next() && rs.getBoolean(1);
                }
            }
            collapsible.put(table, known);
        }
        return known;
    }

    private static void bind(PreparedStatement ps, Shape shape, Map<String, String> row) throws SQLException {
        int i = 1;
        switch (shape.op()) {
            case 'I' -> {
                for (String c : shape.columns()) {
                    setText(ps, i++, row.get(c));
                }
            }
            case 'U' -> {
                for (String c : shape.columns()) {
                    if (!shape.keys().contains(c)) {
                        setText(ps, i++, row.get(c));
                    }
                }
                for (String k : shape.keys()) {
                    setText(ps, i++, row.get(k));
                }
            }
            default -> {
                for (String k : shape.keys()) {
                    setText(ps, i++, row.get(k));
                }
            }
        }
    }

    private static void setText(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.OTHER);
        } else {
            ps.setObject(i, v, Types.OTHER);
        }
    }

    private static String sql(Shape s) {
        String table = SqlNames.quoteFqName(s.table());
        StringBuilder sql = new StringBuilder();
        switch (s.op()) {
            case 'I' -> {
                sql.append("insert into ").append(table).append(" (");
                join(sql, s.columns(), "", ", ");
                sql.append(") values (").append("?, ".repeat(s.columns().size() - 1)).append("?)");
            }
            case 'U' -> {
                List<String> set = new ArrayList<>();
                for (String c : s.columns()) {
                    if (!s.keys().contains(c)) {
                        set.add(c);
                    }
                }
                sql.append("update only ").append(table).append(" set ");
                if (set.isEmpty()) {
                    // only key columns: nothing to change, but the row must exist as on the root
                    sql.append(SqlNames.quoteIdent(s.keys().get(0))).append(" = ")
                            .append(SqlNames.quoteIdent(s.keys().get(0)));
                } else {
                    join(sql, set, " = ?", ", ");
                }
                sql.append(" where ");
                join(sql, s.keys(), " = ?", " and ");
            }
            case 'D' -> {
                sql.append("delete from only ").append(table).append(" where ");
                join(sql, s.keys(), " = ?", " and ");
            }
            default -> throw new IllegalArgumentException("unknown operation " + s.op());
        }
        return sql.toString();
    }

    private static void join(StringBuilder sql, List<String> columns, String suffix, String sep) {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sql.append(sep);
            }
            sql.append(SqlNames.quoteIdent(columns.get(i))).append(suffix);
        }
    }

    private static void closeAll(Iterable<PreparedStatement> statements) {
        for (PreparedStatement ps : statements) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection goes too
            }
        }
    }

    @Override
    public void close() {
        closeAll(statements.values());
        closeAll(arrayStatements.values());
        arrayStatements.clear();
        statements.clear();
        pendingByTable.clear();
        pending = 0;
    }
}
