package io.camelskytools.londiste.table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.camelskytools.jdbc.SqlNames;

/**
 * The columns of a replicated table as copy, compare and repair see them: the stored ones
 * (generated columns are computed on each side and cannot be written), in table order, and
 * the primary key.
 */
public final class TableColumns {

    private TableColumns() {
    }

    /** The stored columns of {@code table}, in attnum order. */
    public static List<String> of(Connection c, String table) throws SQLException {
        return names(c, table, "select attname from pg_attribute where attrelid = ?::regclass and attnum > 0"
                               + " and not attisdropped and attgenerated = '' order by attnum");
    }

    /** The primary key columns of {@code table} in key order; empty when it has none. */
    public static List<String> primaryKey(Connection c, String table) throws SQLException {
        return names(c, table, "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid"
                               + " and a.attnum = any (i.indkey) where i.indrelid = ?::regclass and i.indisprimary"
                               + " order by array_position(i.indkey::int2[], a.attnum)");
    }

    /** The columns of {@code destination} (on the target) that {@code source} (on the provider) has too. */
    public static List<String> common(Connection provider, String source, Connection target, String destination)
            throws SQLException {
        Set<String> src = new LinkedHashSet<>(of(provider, source));
        List<String> out = new ArrayList<>();
        for (String c : of(target, destination)) {
            if (src.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<String> names(Connection c, String table, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, SqlNames.quoteFqName(table));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new SQLException("table " + table + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }
}
