package io.camelskytools.routes.templates;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Skytools' urlencoded row format ({@code id=1&name=Ann+Lee}), the ev_data of pgq.logutriga
 * events: a key without {@code =} stands for NULL, and a key may appear only once.
 */
final class UrlEncodedRow {

    private UrlEncodedRow() {
    }

    static Map<String, String> decode(String data) {
        Map<String, String> row = new LinkedHashMap<>();
        if (data == null || data.isEmpty()) {
            return row;
        }
        for (String pair : data.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decodePart(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? null : decodePart(pair.substring(eq + 1));
            if (row.containsKey(key)) {
                throw new IllegalArgumentException("urlencoded data has the key '" + key + "' twice: " + data);
            }
            row.put(key, value);
        }
        return row;
    }

    private static String decodePart(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
