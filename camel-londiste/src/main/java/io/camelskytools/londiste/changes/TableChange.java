package io.camelskytools.londiste.changes;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One row change of a replicated table as {@code londiste:changes} hands it on: the
 * queue-global table name, the operation (INSERT, UPDATE, DELETE or TRUNCATE), the primary
 * key columns with their values, and the row (column to text value, NULL as null, in the
 * table's column order; the old row for a DELETE, empty for a TRUNCATE).
 */
public record TableChange(String table, String operation, Map<String, String> key, Map<String, String> row,
                          long eventId, long txid, OffsetDateTime time) {

    public static final String INSERT = "INSERT";
    public static final String UPDATE = "UPDATE";
    public static final String DELETE = "DELETE";
    public static final String TRUNCATE = "TRUNCATE";

    public String getTable() {
        return table;
    }

    public String getOperation() {
        return operation;
    }

    public Map<String, String> getKey() {
        return key;
    }

    public Map<String, String> getRow() {
        return row;
    }
}
