package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.camelskytools.pgq.client.EventCursor;
import io.camelskytools.pgq.client.PgqEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of an open batch, a list at a time: the events that came with the batch, or a
 * cursor over a bigger one. A cursor is a portal, which lives in a transaction: streaming
 * turns autocommit off, and {@link #commit()} (after the batch is finished on the same
 * connection) or {@link #close()} (rolling back when the batch was not finished) end it.
 * With a prefetch executor the cursor's next chunk is fetched while the caller handles the
 * one it got (the provider's read overlaps the target's write); the connection is still used
 * by one thread at a time, as the caller touches it only through this object until the end.
 */
public final class BatchEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchEvents.class);

    private final Connection conn;
    private final Executor prefetcher;
    private List<PgqEvent> inline;
    private EventCursor cursor;
    /** The chunk being fetched ahead, or null. */
    private CompletableFuture<List<PgqEvent>> ahead;
    private boolean committed;

    private BatchEvents(Connection conn, List<PgqEvent> inline, EventCursor cursor, Executor prefetcher) {
        this.conn = conn;
        this.inline = inline;
        this.cursor = cursor;
        this.prefetcher = prefetcher;
    }

    public static BatchEvents open(Connection c, OpenBatch batch, int fetchSize) throws SQLException {
        return open(c, batch, fetchSize, null);
    }

    /** As {@link #open(Connection, OpenBatch, int)}, fetching a streamed batch's next chunk ahead on {@code prefetcher}. */
    public static BatchEvents open(Connection c, OpenBatch batch, int fetchSize, Executor prefetcher)
            throws SQLException {
        if (!batch.isStreamed()) {
            return new BatchEvents(c, batch.events(), null, null);
        }
        c.setAutoCommit(false);
        try {
            return new BatchEvents(c, null, EventCursor.open(c, batch.id(), fetchSize), prefetcher);
        } catch (SQLException | RuntimeException e) {
            endTransaction(c);
            throw e;
        }
    }

    /** The next events, or an empty list at the end. */
    public List<PgqEvent> next() throws SQLException {
        if (cursor != null) {
            List<PgqEvent> events = ahead != null ? awaitAhead() : cursor.next();
            if (events.isEmpty()) {
                // the portal goes before the batch is finished on this connection
                cursor.close();
                cursor = null;
            } else if (prefetcher != null) {
                EventCursor c = cursor;
                ahead = CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.next();
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                }, prefetcher);
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

    private List<PgqEvent> awaitAhead() throws SQLException {
        CompletableFuture<List<PgqEvent>> f = ahead;
        ahead = null;
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException se) {
                throw se;
            }
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        if (ahead != null) {
            // the connection is the fetch's until it returns
            try {
                awaitAhead();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("the chunk fetched ahead: {}", e.getMessage());
            }
        }
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
