package io.camelskytools.londiste.handler;

import java.sql.SQLException;

import io.camelskytools.londiste.apply.JsonChange;
import io.camelskytools.londiste.apply.RowChange;
import io.camelskytools.pgq.client.PgqEvent;

/** Reads a table event as a row change (logutriga or jsontriga), a truncate ('R'), or refuses it. */
final class RowEvents {

    private RowEvents() {
    }

    /** Whether the event is a truncate of the table. */
    static boolean isTruncate(PgqEvent ev) {
        return "R".equals(ev.type()) || ev.type().startsWith("{") && ev.type().contains("\"TRUNCATE\"");
    }

    /** The row change of {@code ev}; sqltriga's partial SQL cannot be taken apart, so it is refused. */
    static RowChange change(String handler, PgqEvent ev) throws SQLException {
        RowChange c = ev.type().startsWith("{") ? JsonChange.decode(ev.type(), ev.data())
                : RowChange.fromLogutriga(ev.type(), ev.data());
        if (c == null) {
            throw new SQLException("Unsupported event type: " + ev.type() + "/extra1=" + ev.extra1() + " (handler "
                                   + handler + " needs logutriga or jsontriga events, event " + ev.id() + ")");
        }
        return c;
    }
}
