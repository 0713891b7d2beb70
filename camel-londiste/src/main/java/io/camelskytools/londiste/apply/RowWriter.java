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
 */
public final class RowWriter implements AutoCloseable {

    /** Changes held back at most, over all tables, before they are sent. */
    private static final int MAX_PENDING = 1000;

    private final Connection target;
    private final Map<Shape, PreparedStatement> statements = new HashMap<>();
    /** Per destination table, the shape of its changes waiting in that statement's batch. */
    private final Map<String, Shape> pendingShapes = new LinkedHashMap<>();
    private final Map<String, Integer> pendingCounts = new HashMap<>();
    private int pending;
    private long rowsWritten;

    public RowWriter(Connection target) {
        this.target = target;
    }

    /** A statement's identity: table, operation, the columns it names. */
    private record Shape(String table, char op, List<String> columns, List<String> keys) {
    }

    public void write(String table, RowChange change) throws SQLException {
        if (change.keys().isEmpty() && change.op() != 'I') {
            throw new SQLException("event for " + table + " has no primary key columns: cannot "
                                   + (change.op() == 'U' ? "update" : "delete"));
        }
        List<String> columns = new ArrayList<>(change.row().keySet());
        Shape shape = new Shape(table, change.op(), columns, change.keys());
        Shape waiting = pendingShapes.get(table);
        if (waiting != null && !waiting.equals(shape)) {
            flushTable(table);
        }
        PreparedStatement ps = statements.get(shape);
        if (ps == null) {
            ps = target.prepareStatement(sql(shape));
            statements.put(shape, ps);
        }
        bind(ps, shape, change.row());
        ps.addBatch();
        pendingShapes.put(table, shape);
        pendingCounts.merge(table, 1, Integer::sum);
        if (++pending >= MAX_PENDING) {
            flush();
        }
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
        while (!pendingShapes.isEmpty()) {
            flushTable(pendingShapes.keySet().iterator().next());
        }
    }

    private void flushTable(String table) throws SQLException {
        Shape shape = pendingShapes.remove(table);
        int n = pendingCounts.remove(table);
        pending -= n;
        statements.get(shape).executeBatch();
        rowsWritten += n;
    }

    public long rowsWritten() {
        return rowsWritten;
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

    @Override
    public void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection goes too
            }
        }
        statements.clear();
        pendingShapes.clear();
        pendingCounts.clear();
        pending = 0;
    }
}
