package io.camelskytools.runtime.config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.camelskytools.jdbc.JdbcUrls;

/** Resolves --db NAME|URL to a connection. */
public final class Connections {

    private Connections() {
    }

    public static DatabaseConfig resolve(SkytoolsConfig config, String db) {
        if (db == null) {
            var all = config.databases();
            if (all.size() == 1) {
                return all.values().iterator().next();
            }
            throw new SkytoolsConfig.ConfigException(all.isEmpty()
                    ? "no database: give --db NAME|URL, or configure skytools.db.<name>.url"
                    : "several databases are configured (" + String.join(", ", all.keySet()) + "); choose one with --db");
        }
        if (db.startsWith("jdbc:")) {
            return new DatabaseConfig("cli", db, null, null);
        }
        DatabaseConfig found = config.databases().get(db);
        if (found == null) {
            throw new SkytoolsConfig.ConfigException("no database named '" + db + "' (skytools.db." + db + ".url is not set)");
        }
        return found;
    }

    public static Connection open(DatabaseConfig db) throws SQLException {
        try {
            return DriverManager.getConnection(db.url(), db.user(), db.password());
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + JdbcUrls.mask(db.url()) + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** host, port, user of a JDBC URL as a libpq string (the password goes by PGPASSWORD). */
    public static String libpqConninfo(String jdbcUrl, String user) {
        try {
            return io.camelskytools.jdbc.Conninfo.serverOf(jdbcUrl, user);
        } catch (IllegalArgumentException e) {
            throw new SkytoolsConfig.ConfigException(e.getMessage());
        }
    }
}
