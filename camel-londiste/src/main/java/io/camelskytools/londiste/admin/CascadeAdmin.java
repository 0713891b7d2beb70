package io.camelskytools.londiste.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.node.ConsumerState;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.node.ResultRow;
import io.camelskytools.pgq.client.PgqClient;

/**
 * The cascade operations that touch several nodes: change-provider, takeover (switchover of
 * a root or a branch, and failover from a dead one), tag-dead, tag-alive and drop-node, in the
 * order of steps londiste3 takes, so that both tools can run them on one cascade. Nodes are
 * reached through the member list of the node this admin starts from; each call is its own
 * transaction. Progress goes to {@code log}, one line per step.
 */
public final class CascadeAdmin implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String queue;
    private final Connection local;
    private final Duration timeout;
    private final Consumer<String> log;
    private final Map<String, Connection> open = new LinkedHashMap<>();
    private Map<String, NodeClient.Member> members;
    private final Set<String> assumedDead = new HashSet<>();

    public CascadeAdmin(String queue, Connection local, Duration timeout, Consumer<String> log) {
        this.queue = queue;
        this.local = local;
        this.timeout = timeout;
        this.log = log;
    }

    /** Nodes to treat as dead in this run whatever the member list says (londiste3's --dead). */
    public CascadeAdmin assumeDead(Collection<String> nodes) {
        assumedDead.addAll(nodes);
        members = null;
        return this;
    }

    /** The name of the node this admin runs on. */
    public String localNode() throws SQLException {
        return requireNode(local).name();
    }

    // ---- change-provider ----

    /**
     * Moves {@code node}'s {@code consumer} (null: the node's worker) to read from
     * {@code newProvider}, at the tick it has reached: pause, subscribe on the new provider,
     * switch, resume, unsubscribe from the old one.
     */
    public void changeProvider(String node, String consumer, String newProvider) throws SQLException {
        if (node.equals(newProvider)) {
            throw new LondisteException(400, "node " + node + " cannot be its own provider");
        }
        member(newProvider);
        NodeInfo info = nodeInfo(node);
        String who = consumer == null ? info.worker() : consumer;
        ConsumerState st = NodeClient.consumerState(db(node), queue, who);
        String oldProvider = st.providerNode();
        if (newProvider.equals(oldProvider)) {
            log.accept("Consumer '" + who + "' at node '" + node + "' has already '" + newProvider + "' as provider");
            return;
        }
        boolean isWorker = who.equals(info.worker());
        setPaused(node, who, true);
        st = NodeClient.consumerState(db(node), queue, who);
        NodeClient.registerLocation(db(newProvider), queue, node, member(node).location(), false);
        if (isWorker) {
            NodeClient.registerSubscriber(db(newProvider), queue, node, who, st.completedTick());
        } else {
            QueryRows.list(db(newProvider), "select pgq.register_consumer_at(?, ?, ?)", queue, who, st.completedTick());
        }
        NodeClient.call(db(node), "pgq_node.change_consumer_provider", queue, who, newProvider)
                .orThrow("change provider of " + who + " on node " + node);
        setPaused(node, who, false);
        log.accept("Consumer '" + who + "' at node '" + node + "' reads from '" + newProvider + "' now (was '"
                   + oldProvider + "')");
        if (oldProvider != null && !oldProvider.equals(node) && alive(oldProvider)) {
            try {
                if (isWorker) {
                    NodeClient.call(db(oldProvider), "pgq_node.unregister_subscriber", queue, node);
                } else {
                    QueryRows.list(db(oldProvider), "select pgq.unregister_consumer(?, ?)", queue, who);
                }
            } catch (SQLException e) {
                log.accept("failed to unregister from old provider (" + oldProvider + "): " + e.getMessage());
            }
        }
    }

    // ---- takeover ----

    /** How a takeover treats the old node. */
    public enum OldNode { ALIVE, DEAD_ROOT, DEAD_BRANCH }

    /**
     * {@code newNode} takes over from {@code oldNode}: a root's role (switchover, or failover
     * when the old root is dead), or a branch's place in the tree. With {@code all} (always
     * in failover) the old node's other subscribers move to the new node first.
     */
    public void takeover(String oldNode, String newNode, boolean all, OldNode how) throws SQLException {
        member(oldNode);
        if (oldNode.equals(newNode)) {
            log.accept("node " + newNode + " is the node to take over from: nothing to do");
            return;
        }
        boolean failover = how != OldNode.ALIVE;
        boolean oldIsRoot = how == OldNode.DEAD_ROOT || how == OldNode.ALIVE && nodeInfo(oldNode).isRoot();
        if (failover) {
            tagDead(oldNode);
        }
        if (all || failover) {
            for (String sub : subscribersOf(oldNode)) {
                if (!sub.equals(newNode)) {
                    changeProvider(sub, null, newNode);
                }
            }
        }
        if (oldIsRoot) {
            takeoverRoot(oldNode, newNode, failover);
        } else {
            if (dependsOn(newNode, oldNode)) {
                // the old node feeds the new one: the new one moves up first
                changeProvider(newNode, null, providerOf(oldNode));
            }
            if (!failover) {
                changeProvider(oldNode, null, newNode);
            }
        }
        log.accept("Node '" + newNode + "' took over from '" + oldNode + "'");
    }

    private void takeoverRoot(String oldNode, String newNode, boolean failover) throws SQLException {
        NodeInfo newInfo = nodeInfo(newNode);
        NodeInfo oldInfo = null;
        long lastTick;
        if (!failover) {
            oldInfo = nodeInfo(oldNode);
            if (oldInfo.combinedQueue() != null || newInfo.combinedQueue() != null) {
                throw new LondisteException(400, "takeover of merge nodes is not supported yet");
            }
            setPaused(oldNode, oldInfo.worker(), true);
            demote(oldNode, 1, newNode);
            lastTick = lastTickAfterProducers(oldNode, newNode);
            log.accept("old root " + oldNode + " closed its queue at tick " + lastTick);
            waitForTick(newNode, lastTick);
        } else {
            // paused first: a batch its worker had in hand when the root died is committed or gone
            setPaused(newNode, newInfo.worker(), true);
            closeMissingTick(newNode, newInfo.worker());
            lastTick = ((Number) QueryRows.list(db(newNode), "select last_tick_id from pgq.get_queue_info(?)", queue)
                    .get(0).get("last_tick_id")).longValue();
            // a sibling that got further from the dead root feeds the new root first
            String further = null;
            long furthest = lastTick;
            for (String sub : subscribersOf(oldNode)) {
                Long t = nodeInfo(sub).workerLastTick();
                if (t != null && t > furthest) {
                    furthest = t;
                    further = sub;
                }
            }
            if (further != null) {
                log.accept("node " + further + " got further from the dead root (tick " + furthest + "): catching up");
                changeProvider(newNode, null, further);
                waitForTick(newNode, furthest);
                lastTick = furthest;
            }
        }
        setPaused(newNode, newInfo.worker(), true);
        NodeClient.call(db(newNode), "pgq_node.promote_branch", queue).orThrow("promote " + newNode);
        log.accept("node " + newNode + " is the root now, from tick " + lastTick);
        String oldWorker = oldInfo != null ? oldInfo.worker() : oldNode + ".gravestone";
        NodeClient.registerSubscriber(db(newNode), queue, oldNode, oldWorker, lastTick);
        if (newInfo.providerNode() != null && alive(newInfo.providerNode())) {
            NodeClient.call(db(newInfo.providerNode()), "pgq_node.unregister_subscriber", queue, newNode);
        }
        setPaused(newNode, newInfo.worker(), false);
        if (oldInfo != null) {
            demote(oldNode, 3, newNode);
            setPaused(oldNode, oldInfo.worker(), false);
            log.accept("old root " + oldNode + " is a branch of " + newNode + " now");
        }
    }

    /**
     * A branch commits a batch's events and then makes its tick in a second transaction; if
     * its provider died in between, the events are there without their tick. Made now (the
     * provider is gone, so with the current time), the failover tick covers them, and the
     * old root's resurrection does not count them lost.
     */
    private void closeMissingTick(String node, String worker) throws SQLException {
        long completed = NodeClient.consumerState(db(node), queue, worker).completedTick();
        List<Map<String, Object>> top = QueryRows.list(db(node), "select t.tick_id, t.tick_event_seq from pgq.tick t"
                + " join pgq.queue q on q.queue_id = t.tick_queue where q.queue_name = ?"
                + " order by t.tick_id desc limit 1", queue);
        long last = top.isEmpty() ? 0 : ((Number) top.get(0).get("tick_id")).longValue();
        if (completed > last) {
            // the tick moves the queue's event sequence: past the copied ids, so new events do not reuse them
            String events = (String) QueryRows.list(db(node), "select queue_data_pfx from pgq.queue where queue_name = ?",
                    queue).get(0).get("queue_data_pfx");
            long seq = ((Number) QueryRows.list(db(node), "select coalesce(max(ev_id), 0) as m from "
                    + SqlNames.quoteFqName(events), new Object[0]).get(0).get("m")).longValue();
            PgqClient.externalTick(db(node), queue, completed, OffsetDateTime.now(), seq);
            log.accept("node " + node + " had applied tick " + completed + " without making it: made it now");
        }
    }

    /**
     * demote_root step 2 only after every producer that may have seen the queue open before
     * step 1 is gone; otherwise one could insert after the last tick, an event no node reads.
     * Our pgq_node's step 2 waits for them itself (for readers of pgq.queue and for triggers
     * on logutriga's fast path, which read pgq's DDL epoch instead). Skytools' step 2 waits only
     * for producers already inside the event table: over it we wait first, for the epoch's
     * readers when pgq is ours and for the readers of pgq.queue by locking it, in the step's
     * transaction. The epoch wait comes first and holds nothing after (with pgq.queue held
     * it could deadlock with a writer that read the epoch and then reads pgq.queue).
     */
    private long lastTickAfterProducers(String node, String newProvider) throws SQLException {
        Connection c = db(node);
        Map<String, Object> schema = QueryRows.list(c, "select"
                + " pg_catalog.to_regprocedure('pgq_node.camel_skytools_version()') is not null as own_node,"
                + " w.fn is not null as has_epoch_wait,"
                + " coalesce(pg_catalog.has_function_privilege(w.fn::oid, 'EXECUTE'), false) as may_wait,"
                + " pg_catalog.has_table_privilege('pgq.queue', 'UPDATE') as may_lock"
                + " from (select pg_catalog.to_regprocedure('pgq._wait_epoch_readers()') as fn) w", new Object[0]).get(0);
        // our step 2 does both waits itself
        boolean ownNode = Boolean.TRUE.equals(schema.get("own_node"));
        boolean epochWait = !ownNode && Boolean.TRUE.equals(schema.get("may_wait"));
        boolean mayLock = !ownNode && Boolean.TRUE.equals(schema.get("may_lock"));
        if (!ownNode && Boolean.TRUE.equals(schema.get("has_epoch_wait")) && !epochWait) {
            log.accept("no EXECUTE right on pgq._wait_epoch_readers() of " + node
                       + ": step 2 without waiting for open trigger transactions");
        }
        if (!ownNode && !mayLock) {
            log.accept("no UPDATE right on pgq.queue of " + node + ": step 2 without waiting for open producers");
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                // our step 2 sets it too when the session has none
                st.execute("set local lock_timeout = '30s'");
                if (epochWait) {
                    st.execute("select pgq._wait_epoch_readers()");
                }
                if (mayLock) {
                    st.execute("lock table pgq.queue in access exclusive mode");
                }
            }
            long last = demote(node, 2, newProvider);
            c.commit();
            return last;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException re) {
                e.addSuppressed(re);
            }
            if (e instanceof SQLException se && "55P03".equals(se.getSQLState())) {
                throw new LondisteException(409, "old root " + node + ": transactions that read pgq.queue or ran"
                                                 + " a pgq trigger before writing was disabled still run after"
                                                 + " 30 s; end them and run the takeover again (" + serverMessage(se)
                                                 + ")");
            }
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static String serverMessage(SQLException e) {
        return e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getMessage() : e.getMessage();
    }

    private long demote(String node, int step, String newProvider) throws SQLException {
        ResultRow r = NodeClient.call(db(node), "pgq_node.demote_root", queue, step, newProvider)
                .orThrow("demote_root step " + step + " on " + node);
        Long last = r.longValue("last_tick");
        return last == null ? 0 : last;
    }

    /** Waits until {@code node}'s worker has applied {@code tick} (resuming it when paused). */
    private void waitForTick(String node, long tick) throws SQLException {
        NodeInfo info = nodeInfo(node);
        if (info.workerPaused()) {
            setPaused(node, info.worker(), false);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ConsumerState st = NodeClient.consumerState(db(node), queue, info.worker());
            if (st.completedTick() >= tick) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LondisteException(408, "node " + node + " did not reach tick " + tick + " in "
                                                 + timeout.toSeconds() + " s (it is at " + st.completedTick()
                                                 + "; is its worker running?)");
            }
            sleep();
        }
    }

    // ---- tag-dead, tag-alive, drop-node ----

    /** Marks {@code node} dead on this node and on every other live member. */
    public void tagDead(String node) throws SQLException {
        tag(node, true);
        log.accept("Tagged node '" + node + "' as dead");
    }

    /** Clears the dead mark of {@code node} on every live member (londiste3 lists but lacks it). */
    public void tagAlive(String node) throws SQLException {
        tag(node, false);
        log.accept("Tagged node '" + node + "' as alive");
    }

    private void tag(String node, boolean dead) throws SQLException {
        member(node);
        NodeClient.registerLocation(local, queue, node, null, dead);
        members = null;
        for (NodeClient.Member m : members().values()) {
            if (m.name().equals(node) || m.name().equals(localNode()) || m.dead()) {
                continue;
            }
            try {
                NodeClient.registerLocation(db(m.name()), queue, node, null, dead);
            } catch (SQLException e) {
                log.accept("Node " + m.name() + " failure: " + e.getMessage());
            }
        }
    }

    /**
     * Removes {@code node} from the cascade: refused while it has subscribers; its location
     * unregistered on the root, the node dropped on its own database, then on every member.
     */
    public void dropNode(String node) throws SQLException {
        member(node);
        NodeInfo info = alive(node) ? nodeInfoOrNull(node) : null;
        List<String> subs = subscribersOf(node);
        if (!subs.isEmpty()) {
            throw new LondisteException(400, "node " + node + " still has subscribers: " + String.join(", ", subs));
        }
        if (info == null || !info.isRoot()) {
            try {
                NodeClient.call(db(rootNode()), "pgq_node.unregister_location", queue, node);
            } catch (SQLException | LondisteException e) {
                log.accept("Unregister from root failed: " + e.getMessage());
            }
        }
        if (info != null) {
            NodeClient.call(db(node), "pgq_node.drop_node", queue, node).orThrow("drop node " + node);
        }
        for (NodeClient.Member m : members().values()) {
            if (m.name().equals(node) || m.dead()) {
                continue;
            }
            try {
                NodeClient.call(db(m.name()), "pgq_node.drop_node", queue, node);
            } catch (SQLException e) {
                log.accept("Failed to remove from '" + m.name() + "': " + e.getMessage());
            }
        }
        log.accept("Node '" + node + "' dropped");
    }

    // ---- the tree ----

    /** The live members whose worker reads from {@code parent}. */
    public List<String> subscribersOf(String parent) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        for (NodeClient.Member m : members().values()) {
            if (m.name().equals(parent) || m.dead()) {
                continue;
            }
            NodeInfo n = nodeInfoOrNull(m.name());
            if (n != null && parent.equals(n.providerNode()) && !n.isRoot()) {
                out.add(n.name());
            }
        }
        return new ArrayList<>(out);
    }

    private boolean dependsOn(String sub, String top) throws SQLException {
        String cur = sub;
        for (int hops = 0; hops < 100; hops++) {
            if (cur.equals(top)) {
                return true;
            }
            NodeInfo n = nodeInfo(cur);
            if (n.isRoot()) {
                return false;
            }
            cur = n.providerNode();
        }
        throw new LondisteException(500, "the provider chain from " + sub + " does not end at a root");
    }

    private String providerOf(String node) throws SQLException {
        if (alive(node)) {
            return nodeInfo(node).providerNode();
        }
        for (NodeClient.Member m : members().values()) {
            if (!m.dead() && !m.name().equals(node) && subscribersOf(m.name()).contains(node)) {
                return m.name();
            }
        }
        return rootNode();
    }

    private String rootNode() throws SQLException {
        for (NodeClient.Member m : members().values()) {
            if (!m.dead()) {
                NodeInfo n = nodeInfoOrNull(m.name());
                if (n != null && n.isRoot()) {
                    return n.name();
                }
            }
        }
        throw new LondisteException(404, "no live root node in the cascade of queue " + queue);
    }

    // ---- plumbing ----

    /** Pauses or resumes a consumer and waits until its worker has seen it. */
    public void setPaused(String node, String consumer, boolean paused) throws SQLException {
        NodeClient.setPaused(db(node), queue, consumer, paused);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!NodeClient.consumerState(db(node), queue, consumer).uptodate()) {
            if (System.nanoTime() > deadline) {
                throw new LondisteException(408, "consumer " + consumer + " on node " + node + " did not acknowledge "
                                                 + (paused ? "pause" : "resume") + " in " + timeout.toSeconds()
                                                 + " s (is its worker running?)");
            }
            sleep();
        }
        log.accept("Consumer '" + consumer + "' on node '" + node + "' " + (paused ? "paused" : "resumed"));
    }

    private NodeInfo requireNode(Connection c) throws SQLException {
        NodeInfo n = NodeClient.nodeInfo(c, queue);
        if (n == null) {
            throw new LondisteException(404, "this database is no node of queue " + queue);
        }
        return n;
    }

    private NodeInfo nodeInfo(String node) throws SQLException {
        NodeInfo n = NodeClient.nodeInfo(db(node), queue);
        if (n == null) {
            throw new LondisteException(404, "node " + node + " has no node of queue " + queue);
        }
        return n;
    }

    private NodeInfo nodeInfoOrNull(String node) {
        try {
            return NodeClient.nodeInfo(db(node), queue);
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    private boolean alive(String node) throws SQLException {
        NodeClient.Member m = members().get(node);
        return m != null && !m.dead();
    }

    private NodeClient.Member member(String node) throws SQLException {
        NodeClient.Member m = members().get(node);
        if (m == null) {
            throw new LondisteException(404, "Unknown node: " + node);
        }
        return m;
    }

    private Map<String, NodeClient.Member> members() throws SQLException {
        if (members == null) {
            Map<String, NodeClient.Member> out = new LinkedHashMap<>();
            for (NodeClient.Member m : NodeClient.members(local, queue)) {
                out.put(m.name(), assumedDead.contains(m.name()) ? new NodeClient.Member(m.name(), m.location(), true)
                        : m);
            }
            members = out;
        }
        return members;
    }

    private Connection db(String node) throws SQLException {
        Connection c = open.get(node);
        if (c == null || c.isClosed()) {
            if (node.equals(requireNode(local).name())) {
                return local;
            }
            c = Connections.open(Conninfo.parse(member(node).location()).jdbcUrl(), "londiste admin");
            open.put(node, c);
        }
        return c;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LondisteException(500, "interrupted");
        }
    }

    @Override
    public void close() {
        open.values().forEach(Connections::closeQuietly);
        open.clear();
    }
}
