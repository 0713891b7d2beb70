package io.camelskytools.londiste.apply;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.SqlNames;

/**
 * Updates of one table with distinct keys as one statement: {@code UPDATE ONLY t SET c = v.c
 * FROM unnest(one text array per column, each cast to its column's type) v WHERE the keys
 * match}. The server runs one plan for all the rows instead of one per row; the SQL depends on
 * the columns only, so it is prepared once per shape. Only for keys that are distinct (an
 * UPDATE ... FROM with two source rows for one target row takes either).
 */
final class ArrayUpdate {

    private static final String TARGET = "\"londiste_row\"";
    private static final String SOURCE = "\"londiste_new\"";

    private ArrayUpdate() {
    }

    /**
     * The statement, or null when a column's type is unknown or an array (unnest flattens an
     * array of arrays), or no column is set.
     */
    static String sql(String table, List<String> columns, List<String> keys, Map<String, String> types) {
        List<String> set = new ArrayList<>();
        for (String c : columns) {
            String type = types.get(c);
            if (type == null || type.endsWith("]")) {
                return null;
            }
            if (!keys.contains(c)) {
                set.add(c);
            }
        }
        if (set.isEmpty()) {
            return null;
        }
        StringBuilder sql = new StringBuilder("update only ").append(SqlNames.quoteFqName(table)).append(" as ")
                .append(TARGET).append(" set ");
        for (int i = 0; i < set.size(); i++) {
            String c = SqlNames.quoteIdent(set.get(i));
            sql.append(i > 0 ? ", " : "").append(c).append(" = ").append(SOURCE).append('.').append(c);
        }
        sql.append(" from unnest(");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append("?::text[]::").append(types.get(columns.get(i))).append("[]");
        }
        sql.append(") as ").append(SOURCE).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(SqlNames.quoteIdent(columns.get(i)));
        }
        sql.append(") where ");
        for (int i = 0; i < keys.size(); i++) {
            String k = SqlNames.quoteIdent(keys.get(i));
            sql.append(i > 0 ? " and " : "").append(TARGET).append('.').append(k).append(" = ").append(SOURCE)
                    .append('.').append(k);
        }
        return sql.toString();
    }

    /** Binds one text array per column (the rows' values in order) and runs the statement. */
    static void run(Connection c, PreparedStatement ps, List<String> columns, Collection<Map<String, String>> rows)
            throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            String[] values = new String[rows.size()];
            int j = 0;
            for (Map<String, String> row : rows) {
                values[j++] = row.get(columns.get(i));
            }
            Array a = c.createArrayOf("text", values);
            ps.setArray(i + 1, a);
        }
        ps.executeUpdate();
    }
}
