package io.camelskytools.londiste.compare;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.camelskytools.jdbc.SqlNames;

/**
 * A table's rows as text, in primary key order compared byte-wise ({@code collate "C"}, what
 * londiste3 gets from {@code sort} under LC_ALL=C), read through a cursor in the caller's
 * snapshot so a large table is never held in memory.
 */
final class SortedRows implements AutoCloseable {

    private static final int FETCH = 2000;

    private final PreparedStatement statement;
    private final ResultSet rows;
    private final int width;
    private long count;

    SortedRows(Connection c, String table, List<String> columns, int keyColumns, String condition)
            throws SQLException {
        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(SqlNames.quoteIdent(columns.get(i))).append("::text");
        }
        sql.append(" from only ").append(SqlNames.quoteFqName(table));
        if (condition != null && !condition.isBlank()) {
            sql.append(" where ").append(condition);
        }
        sql.append(" order by ");
        for (int i = 0; i < keyColumns; i++) {
            sql.append(i == 0 ? "" : ", ").append(SqlNames.quoteIdent(columns.get(i))).append("::text collate \"C\"");
        }
        statement = c.prepareStatement(sql.toString());
        statement.setFetchSize(FETCH);
        rows = statement.executeQuery();
        width = columns.size();
    }

    /** The next row, null at the end. */
    String[] next() throws SQLException {
        if (!rows.next()) {
            return null;
        }
        String[] row = new String[width];
        for (int i = 0; i < width; i++) {
            row[i] = rows.getString(i + 1);
        }
        count++;
        return row;
    }

    long count() {
        return count;
    }

    /** Orders two rows by their key columns as {@code collate "C"} does: by code point. */
    static int compareKeys(String[] a, String[] b, int keyColumns) {
        for (int i = 0; i < keyColumns; i++) {
            int c = compareCodePoints(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    @Override
    public void close() throws SQLException {
        try {
            rows.close();
        } finally {
            statement.close();
        }
    }
}
