package io.camelskytools.walmgr.stream;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Notices that the standby we stream from was promoted. Its walsender then ends the old
 * timeline with a CopyDone, which pgjdbc takes silently and then blocks in a read until
 * the server's next keepalive (wal_sender_timeout / 2 later). So a thread of its own asks
 * pg_is_in_recovery() once a second and, on promotion, aborts the replication connection
 * to wake the reader; the session then reconnects for the new timeline at once. A primary
 * never changes timeline while running: then there is nothing to watch.
 */
final class PromotionWatch implements AutoCloseable {

    private static final long CHECK_EVERY_MS = 1000;

    private final Connection sql;
    private final Connection replication;
    private final Object wakeUp = new Object();
    private volatile boolean promoted;
    private volatile boolean closed;

    private PromotionWatch(Connection sql, Connection replication) {
        this.sql = sql;
        this.replication = replication;
    }

    /** Watches the server if it is a standby (and SQL to it works); otherwise an idle watch. */
    static PromotionWatch start(WalSource source, Connection replication, String threadName) {
        Connection c = null;
        try {
            c = source.openSql();
            if (inRecovery(c)) {
                PromotionWatch w = new PromotionWatch(c, replication);
                Thread t = new Thread(w::watch, threadName);
                t.setDaemon(true);
                t.start();
                return w;
            }
            c.close();
        } catch (SQLException e) {
            closeQuietly(c);
        }
        return new PromotionWatch(null, replication);
    }

    /** True once the standby has become a primary (and the replication connection was aborted). */
    boolean promoted() {
        return promoted;
    }

    private void watch() {
        try {
            while (!closed) {
                synchronized (wakeUp) {
                    wakeUp.wait(CHECK_EVERY_MS);
                }
                if (!closed && !inRecovery(sql)) {
                    promoted = true;
                    replication.abort(Runnable::run);
                    return;
                }
            }
        } catch (SQLException | InterruptedException e) {
            // the stream notices a server that is gone on its own
        } finally {
            closeQuietly(sql);
        }
    }

    private static boolean inRecovery(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Override
    public void close() {
        closed = true;
        // the watching thread closes its SQL connection on the way out
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // nothing to keep
            }
        }
    }
}
