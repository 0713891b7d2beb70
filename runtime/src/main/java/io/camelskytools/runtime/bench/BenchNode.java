package io.camelskytools.runtime.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.jdbc.JdbcUrls;

/**
 * One database of the replication benchmark, as JDBC (for us) and as a libpq connection
 * string (for python londiste3, pgbench and a subscription) of the same server.
 */
record BenchNode(String serverUrl, String database) {

    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");

    BenchNode {
        if (!URL.matcher(serverUrl).matches()) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + JdbcUrls.mask(serverUrl));
        }
    }

    /** The JDBC URL of this database. */
    String url() {
        return withDatabase(serverUrl, database);
    }

    /** The JDBC URL of the server's maintenance database, to create and drop this one. */
    String maintenanceUrl() {
        return withDatabase(serverUrl, "postgres");
    }

    /** host, port, user and dbname as libpq takes them. */
    String conninfo() {
        return Conninfo.serverOf(serverUrl, null) + " dbname=" + database;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** The first column of the first row of {@code sql}, its parameters bound in order. */
    long longValue(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String withDatabase(String url, String db) {
        Matcher m = URL.matcher(url);
        m.matches();
        return m.group(1) + db + (m.group(3) == null ? "" : m.group(3));
    }

    @Override
    public String toString() {
        return database + " on " + JdbcUrls.mask(serverUrl);
    }
}
