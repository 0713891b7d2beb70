package io.camelskytools.walmgr;

import java.lang.reflect.Method;

import javax.sql.DataSource;

import io.camelskytools.walmgr.stream.WalSource;

/**
 * Streaming needs a connection of its own in replication mode, which no pool hands out; so
 * the URL and credentials are read from the DataSource bean, by the getters the common ones
 * have (pgjdbc's getUrl/getUser/getPassword, HikariCP's getJdbcUrl/getUsername/getPassword).
 */
final class ReplicationUrls {

    private ReplicationUrls() {
    }

    static WalSource fromDataSource(DataSource ds, String username, String password) {
        String url = firstString(ds, "getJdbcUrl", "getUrl", "getURL");
        if (url == null) {
            throw new IllegalArgumentException("walmgr cannot tell the JDBC URL of DataSource " + ds.getClass().getName()
                                               + " (it has no getJdbcUrl/getUrl); set jdbcUrl instead");
        }
        String user = username != null ? username : firstString(ds, "getUsername", "getUser");
        String pass = password != null ? password : firstString(ds, "getPassword");
        return new WalSource(url, user, pass, ds);
    }

    private static String firstString(Object o, String... getters) {
        for (String g : getters) {
            try {
                Method m = o.getClass().getMethod(g);
                Object v = m.invoke(o);
                if (v instanceof String s && !s.isEmpty()) {
                    return s;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // not this getter
            }
        }
        return null;
    }
}
