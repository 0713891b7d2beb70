package io.camelskytools.londiste.compare;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;

/**
 * Brings a table on the provider and on this node to the same logical point and opens a
 * REPEATABLE READ snapshot on each there, as londiste3's compare and repair do: on a root
 * provider the table is locked in SHARE mode (no writes) while ticks are forced and this
 * node's worker passes them; on a branch provider its worker is paused instead. Gives up
 * after {@code lockTimeout} unless {@code force}.
 */
final class SamePoint {

    private static final Duration POLL = Duration.ofMillis(200);

    private SamePoint() {
    }

    /**
     * Leaves {@code providerSnap} and {@code targetSnap} each in a REPEATABLE READ
     * transaction whose snapshot shows the table at the same point of the queue.
     */
    static void freeze(String queue, String sourceTable, Connection provider, Connection providerTicks,
                       Connection providerSnap, Connection target, Connection targetSnap, Duration lockTimeout,
                       boolean force)
            throws SQLException, InterruptedException {
        NodeInfo p = NodeClient.nodeInfo(provider, queue);
        if (p == null) {
            throw new LondisteException(404, "the provider is no node of queue " + queue);
        }
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        if (p.isRoot()) {
            provider.setAutoCommit(false);
            try (Statement st = provider.createStatement()) {
                st.execute("set local statement_timeout = " + Math.max(1, lockTimeout.toMillis()));
                st.execute("lock table " + SqlNames.quoteFqName(sourceTable) + " in share mode");
                long tick = forceTick(providerTicks, queue, true, deadline, force);
                forceTick(providerTicks, queue, false, deadline, force);
                waitForWorker(queue, target, tick, deadline, force);
                snapshot(providerSnap);
                snapshot(targetSnap);
            } finally {
                provider.rollback();
                provider.setAutoCommit(true);
            }
            return;
        }
        boolean wasPaused = p.workerPaused();
        NodeClient.setPaused(provider, queue, p.worker(), true);
        try {
            long last = waitPaused(provider, queue, p.worker(), deadline, force);
            waitForWorker(queue, target, last - 1, deadline, force);
            snapshot(providerSnap);
            snapshot(targetSnap);
        } finally {
            if (!wasPaused) {
                NodeClient.setPaused(provider, queue, p.worker(), false);
            }
        }
    }

    /** A tick made now; with {@code waitNew}, waits until the ticker made one after the current. */
    private static long forceTick(Connection c, String queue, boolean waitNew, long deadline, boolean force)
            throws SQLException, InterruptedException {
        long first = tick(c, queue);
        if (!waitNew) {
            return first;
        }
        while (true) {
            Thread.sleep(POLL.toMillis());
            long now = tick(c, queue);
            if (now != first) {
                return now;
            }
            checkDeadline(deadline, force, "no new tick on the provider (is a ticker running?)");
        }
    }

    private static long tick(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pgq.force_tick(?)")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits until this node's worker is past {@code tick}. */
    private static void waitForWorker(String queue, Connection target, long tick, long deadline, boolean force)
            throws SQLException, InterruptedException {
        while (true) {
            NodeInfo n = NodeClient.nodeInfo(target, queue);
            if (n.workerLastTick() != null && n.workerLastTick() > tick) {
                return;
            }
            checkDeadline(deadline, force, "the worker of node " + n.name() + " is at tick " + n.workerLastTick()
                                           + ", not past " + tick + " yet");
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Waits until the paused branch worker said so (uptodate again); the branch's last tick. */
    private static long waitPaused(Connection provider, String queue, String worker, long deadline, boolean force)
            throws SQLException, InterruptedException {
        while (true) {
            NodeInfo n = NodeClient.nodeInfo(provider, queue);
            if (n.workerUptodate()) {
                try (PreparedStatement ps = provider.prepareStatement(
                        "select last_tick_id from pgq.get_queue_info(?)")) {
                    ps.setString(1, queue);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            }
            checkDeadline(deadline, force, "the worker " + worker + " of the provider did not pause");
            Thread.sleep(POLL.toMillis());
        }
    }

    private static void checkDeadline(long deadline, boolean force, String what) {
        if (!force && System.nanoTime() > deadline) {
            throw new LondisteException("gave up after lock_timeout: " + what + " (--force waits on)");
        }
    }

    private static void snapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement st = c.createStatement()) {
            st.execute("select 1");
        }
    }
}
