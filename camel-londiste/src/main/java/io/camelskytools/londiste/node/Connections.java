package io.camelskytools.londiste.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.camelskytools.jdbc.JdbcUrls;

/** Opens the worker's own connections (one per role, kept for its life), named in pg_stat_activity. */
public final class Connections {

    private Connections() {
    }

    public static Connection open(String jdbcUrl, String applicationName) throws SQLException {
        return open(jdbcUrl, applicationName, new Properties());
    }

    private static Connection open(String jdbcUrl, String applicationName, Properties p) throws SQLException {
        p.setProperty("ApplicationName", applicationName);
        try {
            return DriverManager.getConnection(jdbcUrl, p);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + JdbcUrls.mask(jdbcUrl) + ": " + e.getMessage(),
                    e.getSQLState(), e);
        }
    }

    /**
     * A connection to a target node: triggers (the londiste ones and the leaf's deny triggers)
     * and foreign keys do not fire for what the worker writes, as in Skytools. Batched INSERTs
     * go as multi-row INSERTs (the same rows in the same order, fewer statements to execute).
     */
    public static Connection openTarget(String jdbcUrl, String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("reWriteBatchedInserts", "true");
        Connection c = open(jdbcUrl, applicationName, p);
        try {
            NodeClient.call(c, "londiste.set_session_replication_role", "replica", false);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing left to do with it
            }
        }
    }
}
