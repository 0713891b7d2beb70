package io.camelskytools.walmgr.stream;

import java.sql.SQLException;

/**
 * Replication errors that only a change of configuration fixes (role, pg_hba, slot), and a
 * sentence for each; an unreachable server is {@link io.camelskytools.jdbc.ServerErrors}'s to tell.
 */
final class ReplicationErrors {

    private ReplicationErrors() {
    }

    /** Refused for a reason only a change of role, pg_hba or slot fixes: stop instead of retrying. */
    static boolean isFatal(SQLException e) {
        String s = e.getSQLState();
        return s != null && (s.equals("42501") || s.equals("28000") || s.equals("28P01") || s.equals("42704"));
    }

    /** One sentence that says what is wrong and what to change. */
    static String explain(SQLException e, WalSource source) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String role = source.userName();
        String where = source.describe();
        switch (state) {
            case "42501":
                return "role \"" + role + "\" may not stream WAL from " + where + ": it needs the REPLICATION attribute"
                       + " (ALTER ROLE " + role + " REPLICATION) or superuser. Server said: " + e.getMessage();
            case "28000":
            case "28P01":
                return "cannot log in to " + where + " as \"" + role + "\" for replication (pg_hba.conf needs a"
                       + " \"replication\" line for this role, and the password must match). Server said: "
                       + e.getMessage();
            case "42704":
                return where + " has no such replication slot (create it, or let walmgr with createSlot). Server said: "
                       + e.getMessage();
            case "55000":
            case "53300":
            case "53400":
                return where + " cannot serve a physical replication slot to walmgr (check wal_level=replica,"
                       + " max_wal_senders, max_replication_slots). Server said: " + e.getMessage();
            default:
                return "streaming WAL from " + where + " as \"" + role + "\" failed: " + e.getMessage();
        }
    }
}
