package io.camelskytools.walmgr.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import io.camelskytools.walmgr.wal.Lsn;

/** A server's physical replication slots over one SQL connection (the slot names are bound, never pasted). */
public final class ReplicationSlots {

    private final Connection connection;

    public ReplicationSlots(Connection connection) {
        this.connection = connection;
    }

    public Optional<ReplicationSlot> find(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select active, restart_lsn::text, coalesce(pg_wal_lsn_diff(case when pg_is_in_recovery()"
                + " then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end, restart_lsn), 0)::bigint"
                + " from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String restart = rs.getString(2);
                return Optional.of(new ReplicationSlot(name, rs.getBoolean(1), restart == null ? -1 : Lsn.parse(restart),
                        Math.max(0, rs.getLong(3))));
            }
        }
    }

    /** Creates a physical slot that keeps WAL from now on (not only once a reader first connects). */
    public void createPhysical(String name) throws SQLException {
        run("select pg_create_physical_replication_slot(?, true)", name);
    }

    /** Drops the slot; the server refuses one that does not exist or is in use. */
    public void drop(String name) throws SQLException {
        run("select pg_drop_replication_slot(?)", name);
    }

    /** Drops the slot when it exists and nothing reads from it; true when it was dropped. */
    public boolean dropIfIdle(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select pg_drop_replication_slot(slot_name)"
                + " from pg_replication_slots where slot_name = ? and not active")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void run(String sql, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, name);
            ps.execute();
        }
    }
}
