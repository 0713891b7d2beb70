package io.camelskytools.londiste.node;

import java.util.Map;

/**
 * One row of a pgq_node / londiste function: {@code ret_code} and {@code ret_note} and
 * whatever else it returns. Codes follow Skytools' convention: 1xx and 2xx are success,
 * 3xx success with a warning, 4xx and 5xx refusals.
 */
public record ResultRow(Map<String, Object> columns) {

    public int code() {
        Object c = columns.get("ret_code");
        return c == null ? 0 : ((Number) c).intValue();
    }

    public String note() {
        return (String) columns.get("ret_note");
    }

    public boolean ok() {
        return code() < 400;
    }

    public boolean warning() {
        return code() >= 300 && code() < 400;
    }

    public String text(String column) {
        Object v = columns.get(column);
        return v == null ? null : v.toString();
    }

    public Long longValue(String column) {
        Object v = columns.get(column);
        return v == null ? null : ((Number) v).longValue();
    }

    public boolean bool(String column) {
        return Boolean.TRUE.equals(columns.get(column));
    }

    /** This row, or a LondisteException saying what was asked and what the function answered. */
    public ResultRow orThrow(String what) {
        if (!ok()) {
            throw new LondisteException(code(), what + ": " + code() + " " + note());
        }
        return this;
    }
}
