package io.camelskytools.walmgr.stream;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.camelskytools.walmgr.wal.Lsn;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.copy.CopyDual;
import org.postgresql.core.v3.replication.V3PGReplicationStream;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationType;

/** The replication commands walmgr sends over one walsender connection. */
final class ReplicationSession {

    private final Connection conn;

    ReplicationSession(Connection conn) {
        this.conn = conn;
    }

    ServerIdentity identifySystem() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            if (!rs.next()) {
                throw new SQLException("IDENTIFY_SYSTEM returned no row");
            }
            return new ServerIdentity(Long.parseUnsignedLong(rs.getString(1)), rs.getInt(2), Lsn.parse(rs.getString(3)));
        }
    }

    /** wal_segment_size in bytes (the server reports it with a unit, e.g. "16MB"). */
    long walSegmentSize() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_segment_size")) {
            rs.next();
            return parseSize(rs.getString(1));
        }
    }

    static long parseSize(String v) {
        String s = v.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("KB")) {
            mult = 1024;
        } else if (s.endsWith("MB")) {
            mult = 1024 * 1024;
        } else if (s.endsWith("GB")) {
            mult = 1024L * 1024 * 1024;
        }
        String digits = s.replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            throw new IllegalArgumentException("Cannot read wal_segment_size " + v);
        }
        return Long.parseLong(digits) * mult;
    }

    /** Creates the physical slot, reserving WAL at once; false when it already exists. */
    boolean createSlotIfMissing(String slot) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE_REPLICATION_SLOT " + slot + " PHYSICAL RESERVE_WAL");
            return true;
        } catch (SQLException e) {
            if ("42710".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** The history file of a timeline (timeline 1 has none). */
    byte[] timelineHistory(int timeline) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("TIMELINE_HISTORY " + timeline)) {
            rs.next();
            // sent as raw text whatever the column type says; read it as such
            return rs.getString(2).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Streams the server's current timeline from lsn. */
    PGReplicationStream streamCurrent(String slot, long lsn, int statusIntervalMs) throws SQLException {
        return conn.unwrap(PGConnection.class).getReplicationAPI().replicationStream().physical()
                .withSlotName(slot)
                .withStartPosition(LogSequenceNumber.valueOf(lsn))
                .withStatusInterval(statusIntervalMs, TimeUnit.MILLISECONDS)
                // pgjdbc would otherwise report the server's position as flushed on idle keepalives
                .withAutomaticFlush(false)
                .start();
    }

    /**
     * Streams an older timeline from lsn up to where it ended; the server then closes the
     * stream. pgjdbc's builder has no TIMELINE clause, so the command is issued directly.
     */
    PGReplicationStream streamHistoric(String slot, long lsn, int timeline, int statusIntervalMs) throws SQLException {
        String sql = "START_REPLICATION SLOT " + slot + " PHYSICAL " + Lsn.format(lsn) + " TIMELINE " + timeline;
        CopyDual copy = (CopyDual) conn.unwrap(BaseConnection.class).getQueryExecutor().startCopy(sql, true);
        return new V3PGReplicationStream(copy, LogSequenceNumber.valueOf(lsn), statusIntervalMs, false,
                ReplicationType.PHYSICAL);
    }
}
