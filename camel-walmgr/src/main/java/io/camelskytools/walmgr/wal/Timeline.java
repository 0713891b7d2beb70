package io.camelskytools.walmgr.wal;

import java.util.Locale;

/**
 * Timeline IDs as WAL file names carry them: every name PostgreSQL archives (segment,
 * .partial, .backup, .history) starts with its timeline in 8 upper-case hex digits. The one
 * place that reads a timeline out of a name or writes one into it.
 */
public final class Timeline {

    private static final int DIGITS = 8;

    private Timeline() {
    }

    /** The timeline of a WAL file name: its first 8 hex digits. */
    public static int ofFileName(String name) {
        if (name == null || name.length() < DIGITS) {
            throw new IllegalArgumentException("Not a WAL file name (8 hex digits of timeline first): " + name);
        }
        try {
            return (int) Long.parseLong(name.substring(0, DIGITS), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a WAL file name (8 hex digits of timeline first): " + name, e);
        }
    }

    /** The timeline as names start with it: 8 upper-case hex digits. */
    public static String hex(int timeline) {
        return String.format(Locale.ROOT, "%08X", timeline);
    }
}
