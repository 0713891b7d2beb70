package io.camelskytools.walmgr.stream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import io.camelskytools.jdbc.JdbcUrls;

/**
 * The server WAL comes from. Streaming needs a connection of its own in physical
 * replication mode (replication=true: pg_hba's "replication" lines apply, no SQL), so it is
 * always opened from the JDBC URL; plain SQL (slot position, lag) goes through the
 * DataSource when there is one, else through the same URL.
 */
public final class WalSource {

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final DataSource dataSource;

    public WalSource(String jdbcUrl, String user, String password, DataSource dataSource) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("walmgr needs a jdbc:postgresql: URL to stream WAL from, not "
                                               + JdbcUrls.mask(jdbcUrl));
        }
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
    }

    public static WalSource of(String jdbcUrl, String user, String password) {
        return new WalSource(jdbcUrl, user, password, null);
    }

    /** A physical replication connection (a walsender), simple query protocol only. */
    public Connection openReplication() throws SQLException {
        Properties p = credentials();
        p.setProperty("replication", "true");
        p.setProperty("assumeMinServerVersion", "13");
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("ApplicationName", "walmgr");
        p.setProperty("connectTimeout", "10");
        // URL parameters win over properties in pgjdbc: drop the ones replication needs set its way
        return DriverManager.getConnection(withoutParams(jdbcUrl, REPLICATION_OWNED), p);
    }

    private static final java.util.Set<String> REPLICATION_OWNED = java.util.Set.of("replication", "preferquerymode",
            "assumeminserverversion", "applicationname");

    /** The URL without the named query parameters (names compared case-insensitively). */
    static String withoutParams(String url, java.util.Set<String> lowerCaseNames) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder out = new StringBuilder(url.substring(0, q));
        char sep = '?';
        for (String pair : url.substring(q + 1).split("&")) {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            if (!pair.isEmpty() && !lowerCaseNames.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                out.append(sep).append(pair);
                sep = '&';
            }
        }
        return out.toString();
    }

    /** An ordinary SQL connection to the same server. */
    public Connection openSql() throws SQLException {
        if (dataSource != null) {
            return dataSource.getConnection();
        }
        Properties p = credentials();
        p.setProperty("ApplicationName", "walmgr");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** The server as logs show it: the URL without its parameters, any password masked. */
    public String describe() {
        int q = jdbcUrl.indexOf('?');
        return JdbcUrls.mask(q < 0 ? jdbcUrl : jdbcUrl.substring(0, q));
    }

    /** The role we connect as, when the URL or the settings say (for error messages). */
    public String userName() {
        if (user != null) {
            return user;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]user=([^&]*)").matcher(jdbcUrl);
        return m.find() ? m.group(1) : System.getProperty("user.name");
    }

    private Properties credentials() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }
}
