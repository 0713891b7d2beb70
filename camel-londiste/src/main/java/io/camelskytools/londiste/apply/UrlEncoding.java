package io.camelskytools.londiste.apply;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Skytools' form-style urlencoding of rows and attributes: {@code a=1&b=x+y&c}, where a key
 * without {@code =} is a NULL value. Order is kept: it is the table's column order.
 */
public final class UrlEncoding {

    private UrlEncoding() {
    }

    public static Map<String, String> decode(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        for (String part : s.split("&", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            try {
                if (eq < 0) {
                    out.put(URLDecoder.decode(part, StandardCharsets.UTF_8), null);
                } else {
                    out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad urlencoded field \"" + part + "\": " + e.getMessage(), e);
            }
        }
        return out;
    }

    public static String encode(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(enc(e.getKey()));
            if (e.getValue() != null) {
                sb.append('=').append(enc(e.getValue()));
            }
        }
        return sb.toString();
    }

    private static String enc(String s) {
        // URLEncoder keeps '*' and encodes '~' the other way round from Skytools; both decode alike
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A");
    }
}
