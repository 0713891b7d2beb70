package io.camelskytools.pgq.client;

import java.util.regex.Pattern;

/** JDBC URLs as they may appear in logs and errors: passwords masked. */
public final class JdbcUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

    private JdbcUrls() {
    }

    /** The same server URL pointing at another database: jdbc:postgresql://host:port/DB?params. */
    public static String withDatabase(String url, String database) {
        java.util.regex.Matcher m = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$").matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a jdbc:postgresql://host/database URL: " + mask(url));
        }
        String encoded = java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        return m.group(1) + "/" + encoded + (m.group(3) == null ? "" : m.group(3));
    }

    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        return USERINFO.matcher(PASSWORD.matcher(url).replaceAll("$1xxxxxx")).replaceAll("$1xxxxxx@");
    }
}
