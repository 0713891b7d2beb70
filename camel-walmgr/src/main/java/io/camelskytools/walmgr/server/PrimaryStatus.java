package io.camelskytools.walmgr.server;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.camelskytools.walmgr.wal.Lsn;

/**
 * Where a primary's WAL stands.
 *
 * @param currentLsn     pg_current_wal_lsn(): how far it has written
 * @param walSegmentSize wal_segment_size in bytes
 * @param timeline       the timeline of its latest checkpoint
 */
public record PrimaryStatus(long currentLsn, long walSegmentSize, int timeline) {

    /** Fails on a server in recovery: it has no current WAL position of its own. */
    public static PrimaryStatus read(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select pg_current_wal_lsn()::text,"
                     + " pg_size_bytes(current_setting('wal_segment_size')),"
                     + " (select timeline_id from pg_control_checkpoint())")) {
            rs.next();
            return new PrimaryStatus(Lsn.parse(rs.getString(1)), rs.getLong(2), rs.getInt(3));
        }
    }
}
