package io.camelskytools.walmgr.wal;

import java.util.Locale;

/** WAL positions as PostgreSQL prints them ("16/B374D848"): high and low 32 bits in hex. */
public final class Lsn {

    private Lsn() {
    }

    public static String format(long lsn) {
        return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    public static long parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("Not a WAL position (like 0/16B3748): " + text);
        }
        try {
            long hi = Long.parseLong(text.substring(0, slash), 16);
            long lo = Long.parseLong(text.substring(slash + 1), 16);
            if (hi > 0xFFFFFFFFL || lo > 0xFFFFFFFFL) {
                throw new NumberFormatException("part over 32 bits");
            }
            return (hi << 32) | lo;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a WAL position (like 0/16B3748): " + text, e);
        }
    }
}
