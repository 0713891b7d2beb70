package io.camelskytools.pgq.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch {@code fetchSize} events at a time, so a huge batch (the backlog after
 * ticker downtime) never has to fit in the JVM. It streams pgq.get_batch_events through a
 * portal (pgjdbc fetch size), which costs no extra round trip for a batch that fits in one
 * fetch. Lives in the caller's transaction: the connection must not be in autocommit.
 */
public final class EventCursor implements AutoCloseable {

    private final PreparedStatement statement;
    private final ResultSet rows;
    private final int fetchSize;
    private boolean exhausted;

    private EventCursor(PreparedStatement statement, ResultSet rows, int fetchSize) {
        this.statement = statement;
        this.rows = rows;
        this.fetchSize = fetchSize;
    }

    public static EventCursor open(Connection conn, long batchId, int fetchSize) throws SQLException {
        if (conn.getAutoCommit()) {
            throw new IllegalStateException("EventCursor needs a transaction (autocommit off)");
        }
        PreparedStatement ps = conn.prepareStatement("select * from pgq.get_batch_events(?)");
        try {
            ps.setFetchSize(fetchSize);
            ps.setLong(1, batchId);
            return new EventCursor(ps, ps.executeQuery(), fetchSize);
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    /** The next events (at most fetchSize), or an empty list at the end. */
    public List<PgqEvent> next() throws SQLException {
        List<PgqEvent> out = new ArrayList<>(Math.min(fetchSize, 1024));
        while (!exhausted && out.size() < fetchSize) {
            if (!rows.next()) {
                exhausted = true;
                break;
            }
            out.add(read(rows, 0));
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        try {
            rows.close();
        } finally {
            statement.close();
        }
    }

    /** The event in the columns after {@code o}. */
    static PgqEvent read(ResultSet rs, int o) throws SQLException {
        return new PgqEvent(rs.getLong(o + 1), rs.getObject(o + 2, OffsetDateTime.class), rs.getLong(o + 3), rs.getInt(o + 4),
                rs.getString(o + 5), rs.getString(o + 6), rs.getString(o + 7), rs.getString(o + 8), rs.getString(o + 9),
                rs.getString(o + 10));
    }
}
