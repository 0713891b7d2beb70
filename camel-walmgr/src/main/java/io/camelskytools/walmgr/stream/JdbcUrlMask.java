package io.camelskytools.walmgr.stream;

import java.util.regex.Pattern;

/** JDBC URLs as they may appear in logs and errors: passwords masked. */
public final class JdbcUrlMask {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

    private JdbcUrlMask() {
    }

    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        return USERINFO.matcher(PASSWORD.matcher(url).replaceAll("$1xxxxxx")).replaceAll("$1xxxxxx@");
    }
}
