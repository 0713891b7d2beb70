package io.camelskytools.londiste.apply;

import io.camelskytools.pgq.client.PgqEvent;

/** Which events carry table changes (and for which table), as Londiste's triggers write them. */
public final class EventKinds {

    private EventKinds() {
    }

    /**
     * A row change or truncate of a table: logutriga ({@code I:pk}), sqltriga ({@code I},
     * {@code U}, {@code D}), the truncate trigger ({@code R}) or jsontriga (a JSON object).
     */
    public static boolean isTableChange(PgqEvent ev) {
        String t = ev.type();
        if (t == null || t.isEmpty()) {
            return false;
        }
        char c = t.charAt(0);
        if (c == '{') {
            return true;
        }
        if (c != 'I' && c != 'U' && c != 'D' && c != 'R') {
            return false;
        }
        return t.length() == 1 || t.charAt(1) == ':';
    }

    /** The queue-global name of the table an event changes (ev_extra1). */
    public static String table(PgqEvent ev) {
        return ev.extra1();
    }
}
