package io.camelskytools.jdbc;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A libpq connection string as londiste3 ini files and pgq_node's tables hold them
 * ({@code host=db1 port=5432 dbname=app user=rep password='a b'}, or the URI form
 * {@code postgresql://rep@db1/app}), and the JDBC URL that reaches the same database. The
 * one place where the two meet, so node locations stay what Skytools' tools read.
 */
public final class Conninfo {

    /** libpq keywords pgjdbc knows under another name; the rest are passed as they are. */
    private static final Map<String, String> JDBC_NAMES = Map.of(
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName",
            "sslmode", "sslmode",
            "sslcert", "sslcert",
            "sslkey", "sslkey",
            "sslrootcert", "sslrootcert",
            "options", "options",
            "target_session_attrs", "targetServerType");

    private final String text;
    private final Map<String, String> params;

    private Conninfo(String text, Map<String, String> params) {
        this.text = text;
        this.params = params;
    }

    /** Parses a keyword=value string or a postgresql:// URI; errors name the bad part. */
    public static Conninfo parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty connection string");
        }
        String t = text.strip();
        Map<String, String> params = t.startsWith("postgresql://") || t.startsWith("postgres://")
                ? parseUri(t) : parseKeywords(t);
        return new Conninfo(t, params);
    }

    /**
     * The libpq string of a {@code jdbc:postgresql://host[:port]/db} URL, for the tools that
     * take one (pg_receivewal, psql, pgqd): host, port (5432 when not given), and the user
     * ({@code user}, else the URL's user= parameter). The database and password are left
     * out: the callers add what they need, passwords go through the environment.
     */
    public static String serverOf(String jdbcUrl, String user) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/([^?]*)(?:\\?(.*))?").matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read host and port from " + JdbcUrls.mask(jdbcUrl));
        }
        String u = user;
        if (u == null && m.group(4) != null) {
            java.util.regex.Matcher um = java.util.regex.Pattern.compile("(?:^|&)user=([^&]+)").matcher(m.group(4));
            u = um.find() ? um.group(1) : null;
        }
        return "host=" + m.group(1) + " port=" + (m.group(2) == null ? "5432" : m.group(2))
               + (u == null ? "" : " user=" + u);
    }

    /** The connection string as written (what goes into pgq_node.node_location). */
    public String text() {
        return text;
    }

    public String get(String key) {
        return params.get(key);
    }

    public String database() {
        return params.getOrDefault("dbname", user());
    }

    public String user() {
        return params.getOrDefault("user", System.getProperty("user.name"));
    }

    /**
     * The JDBC URL of the same database. No host means libpq's Unix socket, which pgjdbc does
     * not open: localhost is taken instead (the same server in the usual setup).
     */
    public String jdbcUrl() {
        String host = params.getOrDefault("host", params.getOrDefault("hostaddr", "localhost"));
        if (host.startsWith("/")) {
            host = "localhost";
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        url.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host);
        if (params.containsKey("port")) {
            url.append(':').append(params.get("port"));
        }
        url.append('/').append(enc(database()));
        char sep = '?';
        url.append(sep).append("user=").append(enc(user()));
        sep = '&';
        if (params.containsKey("password")) {
            url.append(sep).append("password=").append(enc(params.get("password")));
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = JDBC_NAMES.get(e.getKey());
            if (name != null) {
                url.append(sep).append(name).append('=').append(enc(e.getValue()));
            }
        }
        return url.toString();
    }

    /** The string with any password replaced by xxxxxx, for logs and errors. */
    public String masked() {
        return mask(text);
    }

    /** Masks the password of a connection string in either form, without parsing it whole. */
    public static String mask(String conninfo) {
        if (conninfo == null) {
            return null;
        }
        return conninfo.replaceAll("(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S*)", "$1xxxxxx")
                .replaceAll("(://[^/:@\\s]+:)[^@/\\s]*@", "$1xxxxxx@");
    }

    @Override
    public String toString() {
        return masked();
    }

    private static Map<String, String> parseKeywords(String t) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        int n = t.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int eq = t.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("missing \"=\" after \"" + t.substring(i) + "\" in connection string "
                                                   + mask(t));
            }
            String key = t.substring(i, eq).strip();
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("bad keyword \"" + key + "\" in connection string " + mask(t));
            }
            i = eq + 1;
            while (i < n && Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && t.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = t.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(t.charAt(i++));
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted value of \"" + key
                                                       + "\" in connection string " + mask(t));
                }
            } else {
                while (i < n && !Character.isWhitespace(t.charAt(i))) {
                    char c = t.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = t.charAt(i++);
                    }
                    value.append(c);
                }
            }
            params.put(key, value.toString());
        }
        return params;
    }

    private static Map<String, String> parseUri(String t) {
        Map<String, String> params = new LinkedHashMap<>();
        URI uri;
        try {
            uri = URI.create(t.replaceFirst("^postgres(ql)?://", "postgresql://"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad connection URI " + mask(t) + ": " + e.getMessage(), e);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            params.put("user", dec(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                params.put("password", dec(userInfo.substring(colon + 1)));
            }
        }
        if (uri.getHost() != null) {
            params.put("host", uri.getHost());
        }
        if (uri.getPort() > 0) {
            params.put("port", Integer.toString(uri.getPort()));
        }
        String path = uri.getRawPath();
        if (path != null && path.length() > 1) {
            params.put("dbname", dec(path.substring(1)));
        }
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(dec(pair.substring(0, eq)), dec(pair.substring(eq + 1)));
                }
            }
        }
        return params;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
