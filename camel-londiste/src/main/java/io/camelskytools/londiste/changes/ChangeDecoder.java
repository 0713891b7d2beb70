package io.camelskytools.londiste.changes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.camelskytools.londiste.apply.EventKinds;
import io.camelskytools.londiste.apply.JsonChange;
import io.camelskytools.londiste.apply.RowChange;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * Reads the table change an event of a Londiste queue carries: logutriga ({@code I:id} with
 * the row urlencoded), jsontriga (a JSON {@code ev_type}) and the truncate trigger
 * ({@code R}). Cascade and Londiste control events are no table changes (null).
 */
public final class ChangeDecoder {

    private ChangeDecoder() {
    }

    /** The change, or null when the event changes no table. */
    public static TableChange decode(PgqEvent ev) {
        if (!EventKinds.isTableChange(ev)) {
            return null;
        }
        String table = EventKinds.table(ev);
        String type = ev.type();
        RowChange rc;
        if (type.charAt(0) == '{') {
            rc = JsonChange.decode(type, ev.data());
        } else if (type.equals("R")) {
            rc = new RowChange('R', java.util.List.of(), Map.of());
        } else if (type.length() == 1) {
            // sqltriga: the row is a fragment of SQL, not data a route could use
            throw new IllegalArgumentException("event " + ev.id() + " of table " + table + " is a sqltriga event (ev_type "
                                               + type + ", the row as SQL text); londiste:changes reads logutriga and"
                                               + " jsontriga events: add the table with the default trigger");
        } else {
            rc = RowChange.fromLogutriga(type, ev.data());
        }
        Map<String, String> row = Collections.unmodifiableMap(rc.row());
        Map<String, String> key = new LinkedHashMap<>();
        for (String k : rc.keys()) {
            key.put(k, row.get(k));
        }
        return new TableChange(table, operation(rc.op(), ev), Collections.unmodifiableMap(key), row, ev.id(), ev.txid(),
                ev.time());
    }

    private static String operation(char op, PgqEvent ev) {
        return switch (op) {
            case 'I' -> TableChange.INSERT;
            case 'U' -> TableChange.UPDATE;
            case 'D' -> TableChange.DELETE;
            case 'R' -> TableChange.TRUNCATE;
            default -> throw new IllegalArgumentException("event " + ev.id() + " of table " + EventKinds.table(ev)
                                                          + ": unknown operation " + op + " in ev_type " + ev.type());
        };
    }
}
