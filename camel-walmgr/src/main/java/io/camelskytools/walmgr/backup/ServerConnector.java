package io.camelskytools.walmgr.backup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import io.camelskytools.jdbc.JdbcUrls;

/**
 * How to open an ordinary SQL connection to one server (for backups and standby control),
 * with a description for logs and errors that never shows a password.
 */
public final class ServerConnector {

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final String description;

    private ServerConnector(String jdbcUrl, String user, String password, DataSource dataSource, String description) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
        this.description = description;
    }

    public static ServerConnector of(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("walmgr needs a jdbc:postgresql: URL, not " + JdbcUrls.mask(jdbcUrl));
        }
        return new ServerConnector(jdbcUrl, user, password, null, JdbcUrls.mask(jdbcUrl));
    }

    /** A pooled source; description says which server it is (it is logged as given). */
    public static ServerConnector of(DataSource dataSource, String description) {
        if (dataSource == null) {
            throw new IllegalArgumentException("No DataSource given");
        }
        return new ServerConnector(null, null, null, dataSource, description == null ? "DataSource" : description);
    }

    public Connection connect() throws SQLException {
        if (dataSource != null) {
            return dataSource.getConnection();
        }
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "walmgr");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl, p);
    }

    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
