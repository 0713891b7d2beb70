package io.camelskytools.routes.templates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * data_maintainer's optional statements around a walk, run on the write database: before it
 * (a query's one row gives fields to the row statement and the after statement), after it
 * (with the last row's fields; not after a walk of zero rows unless asked) and when a row
 * fails (with the failing row's fields). Each may name {@code %(job_name)s}, the walk's name.
 */
record WalkHooks(NamedSql beforeRun, NamedSql afterRun, boolean afterZeroRows, NamedSql onCrash) {

    static final WalkHooks NONE = new WalkHooks(null, null, true, null);

    /** The fields the before statement gives (its one row), with job_name. */
    Map<String, String> before(Connection w, String jobName) throws SQLException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("job_name", jobName);
        if (beforeRun == null) {
            return fields;
        }
        try (PreparedStatement ps = w.prepareStatement(beforeRun.jdbcSql())) {
            beforeRun.bind(ps, fields, "sql-before-run");
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    if (!rs.next()) {
                        throw new SQLException("sql-before-run must return one row, it returned none");
                    }
                    fields.putAll(row(rs));
                    if (rs.next()) {
                        throw new SQLException("sql-before-run must return one row, it returned more");
                    }
                }
            }
        }
        commit(w);
        return fields;
    }

    void after(Connection w, Map<String, String> fields, long rows) throws SQLException {
        if (afterRun != null && (rows > 0 || afterZeroRows)) {
            run(w, afterRun, fields, "sql-after-run");
        }
    }

    /** Runs the crash statement in a new transaction; a failure of its own is added to the walk's. */
    void crashed(Connection w, Map<String, String> fields, Exception cause) {
        if (onCrash == null) {
            return;
        }
        try {
            if (!w.getAutoCommit()) {
                w.rollback();
            }
            run(w, onCrash, fields, "sql-on-crash");
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static Map<String, String> row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i), rs.getString(i));
        }
        return row;
    }

    private static void run(Connection w, NamedSql sql, Map<String, String> fields, String what) throws SQLException {
        try (PreparedStatement ps = w.prepareStatement(sql.jdbcSql())) {
            sql.bind(ps, fields, what);
            ps.execute();
        }
        commit(w);
    }

    private static void commit(Connection w) throws SQLException {
        if (!w.getAutoCommit()) {
            w.commit();
        }
    }
}
