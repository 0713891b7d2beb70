package io.camelskytools.walmgr.server;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a primary needs before walmgr can archive from it, as the settings to change. */
public final class PrimarySetup {

    private PrimarySetup() {
    }

    /**
     * The settings to change, in the order to apply them: wal_level at least replica, WAL senders
     * and replication slots enough for an archiver next to a standby, and with
     * {@code archiveCommand} (null: streaming only) archive_mode on and that command.
     */
    public static Map<String, String> changesNeeded(ServerSettings server, String archiveCommand) throws SQLException {
        Map<String, String> changes = new LinkedHashMap<>();
        if ("minimal".equals(server.current("wal_level"))) {
            changes.put("wal_level", "replica");
        }
        if (Integer.parseInt(server.current("max_wal_senders")) < 3) {
            changes.put("max_wal_senders", "10");
        }
        if (Integer.parseInt(server.current("max_replication_slots")) < 2) {
            changes.put("max_replication_slots", "10");
        }
        if (archiveCommand != null) {
            changes.put("archive_mode", "on");
            changes.put("archive_command", archiveCommand);
        }
        return changes;
    }

    /** A slot created now would wait for a restart: the change it needs is pending. */
    public static boolean slotNeedsRestart(Map<String, String> changes) {
        return changes.containsKey("max_replication_slots") || changes.containsKey("wal_level");
    }
}
