package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.camelskytools.pgq.client.EventCursor;
import io.camelskytools.pgq.client.PgqEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of an open batch, a list at a time: the events that came with the batch, or a
 * cursor over a bigger one. A cursor is a portal, which lives in a transaction: streaming
 * turns autocommit off, and {@link #commit()} (after the batch is finished on the same
 * connection) or {@link #close()} (rolling back when the batch was not finished) end it.
 */
public final class BatchEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchEvents.class);

    private final Connection conn;
    private List<PgqEvent> inline;
    private EventCursor cursor;
    private boolean committed;

    private BatchEvents(Connection conn, List<PgqEvent> inline, EventCursor cursor) {
        this.conn = conn;
        this.inline = inline;
        this.cursor = cursor;
    }

    public static BatchEvents open(Connection c, OpenBatch batch, int fetchSize) throws SQLException {
        if (!batch.isStreamed()) {
            return new BatchEvents(c, batch.events(), null);
        }
        c.setAutoCommit(false);
        try {
            return new BatchEvents(c, null, EventCursor.open(c, batch.id(), fetchSize));
        } catch (SQLException | RuntimeException e) {
            endTransaction(c);
            throw e;
        }
    }

    /** The next events, or an empty list at the end. */
    public List<PgqEvent> next() throws SQLException {
        if (cursor != null) {
            List<PgqEvent> events = cursor.next();
            if (events.isEmpty()) {
                // the portal goes before the batch is finished on this connection
                cursor.close();
                cursor = null;
            }
            return events;
        }
        List<PgqEvent> events = inline == null ? List.of() : inline;
        inline = null;
        return events;
    }

    /** Commits the read transaction of a streamed batch, and with it the finish done on this connection. */
    public void commit() throws SQLException {
        if (!conn.getAutoCommit()) {
            conn.commit();
            committed = true;
        }
    }

    @Override
    public void close() throws SQLException {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (SQLException e) {
                LOG.debug("closing the batch cursor: {}", e.getMessage());
            }
            cursor = null;
        }
        if (!conn.getAutoCommit()) {
            if (!committed) {
                endTransaction(conn);
            } else {
                conn.setAutoCommit(true);
            }
        }
    }

    private static void endTransaction(Connection c) throws SQLException {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rolling back the batch read: {}", e.getMessage());
        }
        c.setAutoCommit(true);
    }
}
