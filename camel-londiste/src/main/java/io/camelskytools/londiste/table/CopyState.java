package io.camelskytools.londiste.table;

/**
 * A table's place in the copy hand-over, as londiste.table_info.merge_state spells it:
 * null (copy not started), {@code in-copy}, {@code catching-up}, {@code wanna-sync:TICK},
 * {@code do-sync:TICK}, {@code ok} ({@code ?} is read as ok, as Skytools does).
 */
public record CopyState(Phase phase, long tick) {

    public enum Phase { NEW, IN_COPY, CATCHING_UP, WANNA_SYNC, DO_SYNC, OK }

    public static final CopyState NEW = new CopyState(Phase.NEW, 0);
    public static final CopyState IN_COPY = new CopyState(Phase.IN_COPY, 0);
    public static final CopyState CATCHING_UP = new CopyState(Phase.CATCHING_UP, 0);
    public static final CopyState OK = new CopyState(Phase.OK, 0);

    public static CopyState parse(String s) {
        if (s == null) {
            return NEW;
        }
        switch (s) {
            case "ok":
            case "?":
                return OK;
            case "in-copy":
                return IN_COPY;
            case "catching-up":
                return CATCHING_UP;
            default:
                break;
        }
        if (s.startsWith("wanna-sync:")) {
            return new CopyState(Phase.WANNA_SYNC, tick(s, "wanna-sync:".length()));
        }
        if (s.startsWith("do-sync:")) {
            return new CopyState(Phase.DO_SYNC, tick(s, "do-sync:".length()));
        }
        throw new IllegalArgumentException("unknown table state \"" + s + "\"");
    }

    public static CopyState wannaSync(long tick) {
        return new CopyState(Phase.WANNA_SYNC, tick);
    }

    public static CopyState doSync(long tick) {
        return new CopyState(Phase.DO_SYNC, tick);
    }

    /** The merge_state text (null for NEW). */
    public String text() {
        return switch (phase) {
            case NEW -> null;
            case IN_COPY -> "in-copy";
            case CATCHING_UP -> "catching-up";
            case WANNA_SYNC -> "wanna-sync:" + tick;
            case DO_SYNC -> "do-sync:" + tick;
            case OK -> "ok";
        };
    }

    /** A copy runs or is to run for the table (it counts against parallel_copies once started). */
    public boolean copying() {
        return phase == Phase.IN_COPY || phase == Phase.CATCHING_UP || phase == Phase.WANNA_SYNC
               || phase == Phase.DO_SYNC;
    }

    private static long tick(String s, int from) {
        try {
            return Long.parseLong(s.substring(from));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad tick in table state \"" + s + "\"", e);
        }
    }

    @Override
    public String toString() {
        return phase == Phase.NEW ? "(new)" : text();
    }
}
