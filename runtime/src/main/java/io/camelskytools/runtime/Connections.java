package io.camelskytools.runtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.camelskytools.pgq.client.JdbcUrls;

/** Resolves --db NAME|URL to a connection. */
final class Connections {

    private Connections() {
    }

    static DatabaseConfig resolve(SkytoolsConfig config, String db) {
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

    static Connection open(DatabaseConfig db) throws SQLException {
        try {
            return DriverManager.getConnection(db.url(), db.user(), db.password());
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + JdbcUrls.mask(db.url()) + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }
}
