package io.camelskytools.pgq.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch through pgq.get_batch_cursor, {@code fetchSize} events at a time, so a
 * huge batch (the backlog after ticker downtime) never has to fit in memory. Lives in the
 * caller's transaction: open it after BEGIN, close it before COMMIT.
 */
public final class EventCursor implements AutoCloseable {

    static final String CURSOR = "camel_pgq_batch";

    private final Connection conn;
    private final int fetchSize;
    private List<PgqEvent> pending;
    private boolean exhausted;

    private EventCursor(Connection conn, int fetchSize, List<PgqEvent> first) {
        this.conn = conn;
        this.fetchSize = fetchSize;
        this.pending = first;
        this.exhausted = first.size() < fetchSize;
    }

    public static EventCursor open(Connection conn, long batchId, int fetchSize) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("select * from pgq.get_batch_cursor(?, ?, ?)")) {
            ps.setLong(1, batchId);
            ps.setString(2, CURSOR);
            ps.setInt(3, fetchSize);
            try (ResultSet rs = ps.executeQuery()) {
                return new EventCursor(conn, fetchSize, read(rs));
            }
        }
    }

    /** The next events, or an empty list at the end. */
    public List<PgqEvent> next() throws SQLException {
        if (pending != null) {
            List<PgqEvent> out = pending;
            pending = null;
            return out;
        }
        if (exhausted) {
            return List.of();
        }
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("fetch " + fetchSize + " from " + CURSOR)) {
            List<PgqEvent> out = read(rs);
            exhausted = out.size() < fetchSize;
            return out;
        }
    }

    @Override
    public void close() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("close " + CURSOR);
        }
    }

    static List<PgqEvent> read(ResultSet rs) throws SQLException {
        List<PgqEvent> out = new ArrayList<>();
        while (rs.next()) {
            out.add(new PgqEvent(rs.getLong("ev_id"), rs.getObject("ev_time", OffsetDateTime.class), rs.getLong("ev_txid"),
                    rs.getInt("ev_retry"), rs.getString("ev_type"), rs.getString("ev_data"), rs.getString("ev_extra1"),
                    rs.getString("ev_extra2"), rs.getString("ev_extra3"), rs.getString("ev_extra4")));
        }
        return out;
    }
}
