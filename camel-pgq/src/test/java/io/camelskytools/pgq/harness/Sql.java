package io.camelskytools.pgq.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One session with terse query helpers; values are always bound, never spliced. */
public final class Sql implements AutoCloseable {

    private final Connection conn;

    public Sql(Connection conn) {
        this.conn = conn;
    }

    public Connection connection() {
        return conn;
    }

    public List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args)) {
            if (!ps.execute()) {
                return List.of();
            }
            try (ResultSet rs = ps.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    public Map<String, Object> row(String sql, Object... args) throws SQLException {
        List<Map<String, Object>> rows = rows(sql, args);
        if (rows.size() != 1) {
            throw new AssertionError("Expected one row from " + sql + ", got " + rows.size());
        }
        return rows.get(0);
    }

    /** The first column of the single row. */
    public Object value(String sql, Object... args) throws SQLException {
        return row(sql, args).values().iterator().next();
    }

    public long longValue(String sql, Object... args) throws SQLException {
        Object v = value(sql, args);
        if (v == null) {
            throw new AssertionError("NULL from " + sql);
        }
        return ((Number) v).longValue();
    }

    /** The first column of every row. */
    public List<Object> column(String sql, Object... args) throws SQLException {
        List<Object> out = new ArrayList<>();
        for (Map<String, Object> r : rows(sql, args)) {
            out.add(r.values().iterator().next());
        }
        return out;
    }

    public void exec(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.execute();
        }
    }

    /** Runs a statement that must fail; returns the server's message (without "ERROR: "). */
    public String error(String sql, Object... args) {
        try {
            exec(sql, args);
        } catch (SQLException e) {
            String m = e.getMessage();
            int nl = m.indexOf('\n');
            m = nl >= 0 ? m.substring(0, nl) : m;
            return m.startsWith("ERROR: ") ? m.substring(7) : m;
        }
        throw new AssertionError("Expected an error from: " + sql);
    }

    /** The server's warnings of the last statement on this session, then clears them. */
    public List<String> warningsOf(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.execute();
            List<String> out = new ArrayList<>();
            for (SQLWarning w = ps.getWarnings(); w != null; w = w.getNextWarning()) {
                out.add(w.getMessage());
            }
            return out;
        }
    }

    public void begin() throws SQLException {
        conn.setAutoCommit(false);
    }

    public void commit() throws SQLException {
        conn.commit();
        conn.setAutoCommit(true);
    }

    public void rollback() throws SQLException {
        conn.rollback();
        conn.setAutoCommit(true);
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = conn.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
