package io.camelskytools.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JDBC URLs as they may appear in logs and errors (passwords masked), and the same server's other databases. */
public final class JdbcUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");
    private static final Pattern SERVER_URL = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$");

    private JdbcUrls() {
    }

    /** The URL with any password (a password= parameter, or user:password@) replaced by xxxxxx. */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        return USERINFO.matcher(PASSWORD.matcher(url).replaceAll("$1xxxxxx")).replaceAll("$1xxxxxx@");
    }

    /** The same server URL pointing at another database: jdbc:postgresql://host:port/DB?params. */
    public static String withDatabase(String url, String database) {
        Matcher m = SERVER_URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host/database URL: " + mask(url));
        }
        String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return m.group(1) + "/" + encoded + (m.group(3) == null ? "" : m.group(3));
    }
}
