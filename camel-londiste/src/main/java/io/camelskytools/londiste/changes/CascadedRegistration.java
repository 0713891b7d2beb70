package io.camelskytools.londiste.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.pgq.client.ConsumerInfo;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a consumer of a node's queue a cascaded consumer, as londiste3's cascaded consumers
 * are: a pgq consumer of the queue (it holds the node's local watermark, so the cascade keeps
 * its events) and a row in pgq_node.local_state on the same node that records the last tick
 * it completed. New consumers start at the queue's latest tick.
 */
public final class CascadedRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(CascadedRegistration.class);

    private CascadedRegistration() {
    }

    /** Registers {@code consumer} unless it is, both parts in one transaction; the node's name. */
    public static String ensure(Connection c, String queue, String consumer) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            NodeInfo node = NodeClient.nodeInfo(c, queue);
            if (node == null) {
                throw new LondisteException("this database is no node of queue " + queue
                                            + " (londiste:changes reads the queue of a root or branch node)");
            }
            if (node.isLeaf()) {
                throw new LondisteException("node " + node.name() + " is a leaf of queue " + queue
                                            + ": its queue holds no events; read the changes on its provider");
            }
            Long completed = completedTickOf(c, queue, consumer);
            boolean inPgq = PgqInfo.isRegistered(c, queue, consumer);
            if (!inPgq) {
                // a consumer known to pgq_node but not to pgq (unregistered by hand) resumes where it was
                PgqClient.registerConsumer(c, queue, consumer, completed);
            }
            if (completed == null) {
                List<ConsumerInfo> info = PgqInfo.consumers(c, queue, consumer);
                long tick = info.get(0).lastTick();
                NodeClient.registerConsumer(c, queue, consumer, node.name(), tick);
                LOG.info("londiste changes consumer {} registered on queue {} at node {}, tick {}", consumer, queue,
                        node.name(), tick);
            }
            c.commit();
            return node.name();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** The tick pgq_node records for the consumer, or null when it is not registered there. */
    public static Long completedTickOf(Connection c, String queue, String consumer) throws SQLException {
        if (NodeClient.call(c, "pgq_node.get_consumer_state", queue, consumer).code() == 404) {
            return null;
        }
        return NodeClient.consumerState(c, queue, consumer).completedTick();
    }
}
