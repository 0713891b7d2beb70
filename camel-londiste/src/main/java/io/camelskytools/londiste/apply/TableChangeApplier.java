package io.camelskytools.londiste.apply;

import java.sql.SQLException;
import java.util.Map;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * Londiste's default handler: applies one table's change event to its destination table on
 * the target through a {@link RowWriter}. Trigger args such as {@code ignore_truncate} come
 * from the table's handler attributes.
 */
public final class TableChangeApplier {

    private final RowWriter writer;

    public TableChangeApplier(RowWriter writer) {
        this.writer = writer;
    }

    /**
     * Applies {@code ev} to {@code destination}; {@code handlerArgs} are the table's handler
     * arguments (ignore_truncate=1 skips truncates).
     */
    public void apply(PgqEvent ev, String destination, Map<String, String> handlerArgs) throws SQLException {
        String type = ev.type();
        RowChange change = type.startsWith("{") ? JsonChange.decode(type, ev.data())
                : RowChange.fromLogutriga(type, ev.data());
        if (change != null && change.op() != 'R') {
            writer.write(destination, change);
            return;
        }
        if (change != null) {
            type = "R";
        }
        String dest = SqlNames.quoteFqName(destination);
        switch (type) {
            case "I" -> writer.execute("insert into " + dest + " " + ev.data());
            case "U" -> writer.execute("update only " + dest + " set " + ev.data());
            case "D" -> writer.execute("delete from only " + dest + " where " + ev.data());
            case "R" -> {
                if (!"1".equals(handlerArgs.get("ignore_truncate"))) {
                    writer.execute("truncate " + dest + " cascade");
                }
            }
            default -> throw new SQLException("event " + ev.id() + " of table " + ev.extra1()
                                              + " has a type Londiste's default handler does not apply: " + type);
        }
    }
}
