package io.camelskytools.londiste.node;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pgq_node calls of Londiste's worker and admin commands, on a connection the caller
 * owns (and whose transaction it controls). Works on our sql/pgq_node and on Skytools'.
 */
public final class NodeClient {

    private NodeClient() {
    }

    /** The node of {@code queue} on this database, or null when the database is no node of it. */
    public static NodeInfo nodeInfo(Connection c, String queue) throws SQLException {
        ResultRow r = SqlCalls.row(c, "pgq_node.get_node_info", queue);
        return r.code() == 404 ? null : NodeInfo.from(queue, r.orThrow("node info of queue " + queue));
    }

    public static ConsumerState consumerState(Connection c, String queue, String consumer) throws SQLException {
        ResultRow r = SqlCalls.row(c, "pgq_node.get_consumer_state", queue, consumer);
        return ConsumerState.from(r.orThrow("state of consumer " + consumer + " on queue " + queue));
    }

    public static void setUptodate(Connection c, String queue, String consumer, boolean uptodate) throws SQLException {
        SqlCalls.row(c, "pgq_node.set_consumer_uptodate", queue, consumer, uptodate).orThrow("set_consumer_uptodate");
    }

    public static ResultRow setPaused(Connection c, String queue, String consumer, boolean paused) throws SQLException {
        return SqlCalls.row(c, "pgq_node.set_consumer_paused", queue, consumer, paused).orThrow("set_consumer_paused");
    }

    /** Records on the target that the consumer applied everything up to {@code tick}. */
    public static void setCompleted(Connection c, String queue, String consumer, long tick) throws SQLException {
        SqlCalls.row(c, "pgq_node.set_consumer_completed", queue, consumer, tick)
                .orThrow("set_consumer_completed of " + consumer + " at tick " + tick);
    }

    public static void setError(Connection c, String queue, String consumer, String error) throws SQLException {
        SqlCalls.row(c, "pgq_node.set_consumer_error", queue, consumer, error);
    }

    public static ResultRow registerLocation(Connection c, String queue, String node, String location, boolean dead)
            throws SQLException {
        return SqlCalls.row(c, "pgq_node.register_location", queue, node, location, dead)
                .orThrow("register location of node " + node);
    }

    public static ResultRow createNode(Connection c, String queue, String type, String node, String worker,
                                       String provider, Long globalWatermark, String combinedQueue) throws SQLException {
        return SqlCalls.row(c, "pgq_node.create_node", queue, type, node, worker, provider, globalWatermark,
                combinedQueue).orThrow("create " + type + " node " + node);
    }

    /** On a provider: registers a subscriber node and its worker; the global watermark it starts from. */
    public static long registerSubscriber(Connection c, String queue, String node, String worker, Long tick)
            throws SQLException {
        ResultRow r = SqlCalls.row(c, "pgq_node.register_subscriber", queue, node, worker, tick)
                .orThrow("register subscriber " + node + " on the provider");
        return r.longValue("global_watermark");
    }

    public static ResultRow setSubscriberWatermark(Connection c, String queue, String node, long watermark)
            throws SQLException {
        return SqlCalls.row(c, "pgq_node.set_subscriber_watermark", queue, node, watermark);
    }

    public static ResultRow setGlobalWatermark(Connection c, String queue, Long watermark) throws SQLException {
        return SqlCalls.row(c, "pgq_node.set_global_watermark", queue, watermark);
    }

    /** A cascaded consumer (a copy process, say) on its target node, at {@code tick}. */
    public static ResultRow registerConsumer(Connection c, String queue, String consumer, String provider, long tick)
            throws SQLException {
        return SqlCalls.row(c, "pgq_node.register_consumer", queue, consumer, provider, tick)
                .orThrow("register cascaded consumer " + consumer);
    }

    public static ResultRow unregisterConsumer(Connection c, String queue, String consumer) throws SQLException {
        return SqlCalls.row(c, "pgq_node.unregister_consumer", queue, consumer);
    }

    public static ResultRow call(Connection c, String function, Object... args) throws SQLException {
        return SqlCalls.row(c, function, args);
    }

    /** The member list: node name to location (dead ones included, flagged). */
    public static List<Member> members(Connection c, String queue) throws SQLException {
        List<Member> out = new ArrayList<>();
        for (Map<String, Object> r : SqlCalls.rows(c, "pgq_node.get_queue_locations", queue)) {
            out.add(new Member((String) r.get("node_name"), (String) r.get("node_location"),
                    Boolean.TRUE.equals(r.get("dead"))));
        }
        return out;
    }

    /** One member of a cascade. */
    public record Member(String name, String location, boolean dead) {
    }
}
