package io.camelskytools.londiste.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;

/**
 * {@code wait-root} and {@code wait-provider}: reads the last tick the root (or this node's
 * provider) holds now and waits until this node's worker has applied a tick past it, so
 * everything committed there before the call is here. A tick is asked for on the root
 * ({@code pgq.force_tick}, as compare does), so an idle queue does not keep the caller
 * waiting for the ticker's idle period.
 */
public final class NodeWait {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String queue;
    private final Consumer<String> say;

    public NodeWait(String queue, Consumer<String> say) {
        this.queue = queue;
        this.say = say;
    }

    /** Waits for the root's current tick; false when {@code timeout} (zero: none) passed first. */
    public boolean waitRoot(Connection local, Duration timeout) throws SQLException, InterruptedException {
        return waitFor(local, true, timeout);
    }

    /** Waits for the provider's current tick; false when {@code timeout} (zero: none) passed first. */
    public boolean waitProvider(Connection local, Duration timeout) throws SQLException, InterruptedException {
        return waitFor(local, false, timeout);
    }

    private boolean waitFor(Connection local, boolean root, Duration timeout)
            throws SQLException, InterruptedException {
        NodeInfo me = requireNode(local);
        if (me.isRoot()) {
            say.accept("Current node is root, no need to wait");
            return true;
        }
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        String name = me.providerNode();
        String location = me.providerLocation();
        long target = -1;
        // walk up the providers: the first is the provider, the last the root
        while (true) {
            try (Connection c = Connections.open(Conninfo.parse(location).jdbcUrl(), "londiste wait")) {
                NodeInfo n = NodeClient.nodeInfo(c, queue);
                if (n == null) {
                    throw new LondisteException(404, "node " + name + " is no node of queue " + queue);
                }
                if (target < 0 && !root) {
                    target = n.workerLastTick() == null ? 0 : n.workerLastTick();
                    say.accept("Provider is " + name);
                }
                if (n.isRoot()) {
                    if (root) {
                        target = n.workerLastTick() == null ? 0 : n.workerLastTick();
                        say.accept("Root is " + name);
                    }
                    forceTick(c);
                    break;
                }
                if (n.providerNode() == null) {
                    throw new LondisteException("node " + name + " has no provider and is no root: cannot find the root");
                }
                name = n.providerNode();
                location = n.providerLocation();
            }
        }
        say.accept("Waiting for tick > " + target);
        while (true) {
            NodeInfo now = requireNode(local);
            if (now.workerLastTick() != null && now.workerLastTick() > target) {
                say.accept("Got tick " + now.workerLastTick() + ", exiting");
                return true;
            }
            if (System.nanoTime() > deadline) {
                say.accept("timeout: worker " + now.worker() + " of node " + now.name() + " is at tick "
                           + now.workerLastTick() + ", not past " + target + (now.workerPaused() ? " (PAUSED)" : ""));
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private void forceTick(Connection root) throws SQLException {
        try (PreparedStatement ps = root.prepareStatement("select pgq.force_tick(?)")) {
            ps.setString(1, queue);
            ps.executeQuery().close();
        }
    }

    private NodeInfo requireNode(Connection c) throws SQLException {
        NodeInfo n = NodeClient.nodeInfo(c, queue);
        if (n == null) {
            throw new LondisteException(404, "this database is no node of queue " + queue);
        }
        return n;
    }
}
