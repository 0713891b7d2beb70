package io.camelskytools.londiste.apply;

import java.util.List;
import java.util.Map;

/**
 * One row change of a logutriga event ({@code I:id}, {@code U:id}, {@code D:id} with the row
 * urlencoded): the operation, the primary key columns and the row, column to text value.
 */
public record RowChange(char op, List<String> keys, Map<String, String> row) {

    /** Decodes {@code ev_type} / {@code ev_data} of a logutriga event; null when it is not one. */
    public static RowChange fromLogutriga(String type, String data) {
        if (type == null || type.length() < 2 || type.charAt(1) != ':') {
            return null;
        }
        char op = type.charAt(0);
        if (op != 'I' && op != 'U' && op != 'D') {
            return null;
        }
        String keyList = type.substring(2);
        List<String> keys = keyList.isEmpty() ? List.of() : List.of(keyList.split(","));
        return new RowChange(op, keys, UrlEncoding.decode(data));
    }
}
