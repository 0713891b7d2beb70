package io.camelskytools.londiste.node;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.camelskytools.jdbc.QueryRows;

/** Calls a set-returning or row-returning SQL function with bound arguments. */
final class SqlCalls {

    private SqlCalls() {
    }

    /** {@code select * from FUNCTION(?, ...)}: every row. String[] arguments go as text[]. */
    static List<Map<String, Object>> rows(Connection c, String function, Object... args) throws SQLException {
        StringJoiner params = new StringJoiner(", ", "(", ")");
        for (Object a : args) {
            params.add(a instanceof String[] ? "?::text[]" : a instanceof Boolean ? "?::boolean" : "?");
        }
        try (PreparedStatement ps = c.prepareStatement("select * from " + function + params)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof String[] arr) {
                    Array array = c.createArrayOf("text", arr);
                    ps.setArray(i + 1, array);
                } else if (args[i] == null) {
                    ps.setNull(i + 1, java.sql.Types.NULL);
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                return QueryRows.read(rs);
            }
        }
    }

    /** The one row of a function returning (ret_code, ret_note, ...). */
    static ResultRow row(Connection c, String function, Object... args) throws SQLException {
        List<Map<String, Object>> rows = rows(c, function, args);
        if (rows.isEmpty()) {
            throw new LondisteException(function + " returned no row");
        }
        return new ResultRow(rows.get(0));
    }
}
