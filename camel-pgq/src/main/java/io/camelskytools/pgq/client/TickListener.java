package io.camelskytools.pgq.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.camelskytools.jdbc.SqlNames;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection that LISTENs on a queue's tick channel (pgq.tick_channel) and wakes
 * the consumer on every tick. Reconnects with backoff when the connection drops. A
 * database with Skytools' PgQ has no tick notifications: then it reports that and ends,
 * and the consumer just polls.
 */
public final class TickListener implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TickListener.class);

    private final DataSource dataSource;
    private final String queue;
    private final TickSignal signal;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection conn;

    public TickListener(DataSource dataSource, String queue, TickSignal signal, String threadName) {
        this.dataSource = dataSource;
        this.queue = queue;
        this.signal = signal;
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    @Override
    public void run() {
        long backoff = 500;
        boolean failing = false;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                conn = c;
                c.setAutoCommit(true);
                String channel = channel(c);
                if (channel == null) {
                    LOG.info("pgq queue {}: no tick notifications in this database (Skytools PgQ); polling only", queue);
                    return;
                }
                try (Statement st = c.createStatement()) {
                    st.execute("listen " + SqlNames.quoteIdent(channel));
                }
                if (failing) {
                    LOG.info("pgq queue {}: tick listener connected again", queue);
                    failing = false;
                } else {
                    LOG.debug("pgq queue {}: listening on {}", queue, channel);
                }
                // a tick may have come while we were not listening
                signal.signal();
                backoff = 500;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] got = pg.getNotifications(1000);
                    if (got != null && got.length > 0) {
                        signal.signal();
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                // one line per outage; the retries (backing off up to 30 s) only at DEBUG
                if (!failing) {
                    LOG.warn("pgq queue {}: tick listener lost its connection ({}); reconnecting with backoff", queue,
                            e.getMessage());
                    failing = true;
                } else {
                    LOG.debug("pgq queue {}: tick listener reconnect failed ({}); next in {} ms", queue, e.getMessage(),
                            backoff);
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            } finally {
                conn = null;
            }
        }
    }

    private String channel(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select to_regprocedure('pgq.tick_channel(text)') is not null")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return null;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select pgq.tick_channel(?)")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
