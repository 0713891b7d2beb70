package io.camelskytools.pgq.client;

import java.util.regex.Pattern;

/** JDBC URLs as they may appear in logs and errors: passwords masked. */
public final class JdbcUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

    private JdbcUrls() {
    }

    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        return USERINFO.matcher(PASSWORD.matcher(url).replaceAll("$1xxxxxx")).replaceAll("$1xxxxxx@");
    }
}
