package io.camelskytools.londiste.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.apply.EventKinds;
import io.camelskytools.londiste.apply.HandlerSpec;
import io.camelskytools.londiste.apply.RowWriter;
import io.camelskytools.londiste.worker.CascadedBatch;
import io.camelskytools.londiste.handler.Handlers;
import io.camelskytools.londiste.handler.LondisteHandler;
import io.camelskytools.londiste.handler.TableHandlerCache;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.ConsumerState;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.CopyState;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;
import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.consumer.BatchProcessor;
import io.camelskytools.pgq.consumer.BatchWindow;
import io.camelskytools.pgq.consumer.EventGrouping;
import io.camelskytools.pgq.consumer.FailBatch;
import io.camelskytools.pgq.consumer.NoopConsumerMetrics;
import io.camelskytools.pgq.consumer.QueueBatchReader;
import io.camelskytools.pgq.consumer.TargetTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy of one table beside the main worker, as Skytools' copy process does it: registers
 * its own consumer ({@code <worker>.copy.<table>}) on the provider before copying, so every
 * change after that tick reaches it; copies the rows in one provider snapshot and records it
 * ({@code catching-up}); replays the table's changes the snapshot did not see until it has
 * caught up ({@code wanna-sync:T}); and when the main worker stops at its next batch
 * ({@code do-sync:T2}) applies up to that batch and hands the table over ({@code ok}).
 * A crash restarts it from its state: a copy half done is copied again, a catch-up goes on.
 */
public final class CopyJob implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CopyJob.class);
    private static final Duration WAIT = Duration.ofMillis(100);

    private final String queue;
    private final String table;
    private final String worker;
    private final String targetUrl;
    private final String providerNode;
    private final String providerLocation;
    private final int fetchSize;
    private volatile boolean stopped;
    private volatile Exception failure;
    private volatile CopyProgress progress;
    private Boolean providerIsRoot;

    CopyJob(String queue, String table, String worker, String targetUrl, String providerNode, String providerLocation,
            int fetchSize) {
        this.queue = queue;
        this.table = table;
        this.worker = worker;
        this.targetUrl = targetUrl;
        this.providerNode = providerNode;
        this.providerLocation = providerLocation;
        this.fetchSize = fetchSize;
    }

    /** The consumer a copy of {@code table} reads with, as Skytools names it. */
    public static String consumerName(String worker, String table) {
        return worker + ".copy." + table;
    }

    public String table() {
        return table;
    }

    /** Why the job ended early, or null. */
    public Exception failure() {
        return failure;
    }

    /** The COPY's progress (rows, bytes, rate), null before it starts. */
    public CopyProgress progress() {
        return progress;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        String consumer = consumerName(worker, table);
        Thread.currentThread().setName("londiste-copy-" + table);
        try (Connection target = Connections.openTarget(targetUrl, "londiste copy " + table)) {
            TableInfo t = TableClient.table(target, queue, table);
            if (t == null || !t.local()) {
                return;
            }
            CopyState s = t.state();
            boolean fresh = s.phase() == CopyState.Phase.NEW || s.phase() == CopyState.Phase.IN_COPY;
            CopySource source = fresh ? CopySource.resolve(target, queue, t, providerNode, providerLocation)
                    : registeredSource(target, consumer);
            try (Connection provider = Connections.open(Conninfo.parse(source.location()).jdbcUrl(),
                    "londiste copy " + table)) {
                if (fresh) {
                    copy(provider, source.node(), target, t, consumer);
                }
                catchUp(provider, target, consumer);
            }
        } catch (ProviderNotReady e) {
            // the coordinator says so once and tries again
            failure = e;
        } catch (Exception e) {
            failure = e;
            if (stopped) {
                return;
            }
            LOG.error("londiste {}: copy of {} failed: {}", queue, table, e.getMessage());
        }
    }

    private void copy(Connection provider, String sourceNode, Connection target, TableInfo t, String consumer)
            throws SQLException {
        TableInfo onProvider = TableClient.table(provider, queue, table);
        if (onProvider == null || !onProvider.local() || onProvider.state().phase() != CopyState.Phase.OK) {
            throw new ProviderNotReady("table " + table + " is not in sync on node " + sourceNode + " yet");
        }
        awaitPartitions(provider, sourceNode, onProvider.destination());
        // the consumer first: every change after its tick reaches the catch-up
        PgqClient.unregisterConsumer(provider, queue, consumer);
        PgqClient.registerConsumer(provider, queue, consumer, null);
        long tick = consumerTick(provider, consumer);
        NodeClient.registerConsumer(target, queue, consumer, sourceNode, tick);
        TableClient.setState(target, queue, table, null, CopyState.IN_COPY);
        // a follower adds its partition's rows to what the lead copied: no truncate, no key drop
        String role = awaitCopyTurn(target);
        boolean follower = isFollower(role) || (role == null && partitionCopied(target, t.destination()));
        int fkeys = follower ? 0 : TableClient.dropFkeys(target, t.destination());
        Map<String, String> attrs = t.attrMap();
        LOG.info("londiste {}: copy of {} from node {} starts at tick {}{}", queue, table, sourceNode, tick,
                fkeys > 0 ? " (" + fkeys + " foreign keys dropped until in sync)" : "");
        provider.setAutoCommit(false);
        provider.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        target.setAutoCommit(false);
        LondisteHandler handler = Handlers.create(table, HandlerSpec.ofAttrs(attrs));
        try {
            if (handler.needsTable() && !follower && !"1".equals(attrs.get("skip_truncate"))) {
                try (Statement st = target.createStatement()) {
                    st.execute("truncate only " + SqlNames.quoteFqName(t.destination()));
                }
            }
            CopyProgress done = !handler.needsTable() ? new CopyProgress(table, 0, 0, 0)
                    : TableCopy.copy(provider, target, table, t.destination(), condition(attrs, handler, target), p -> {
                        progress = p;
                        LOG.info("londiste {}: copying {}", queue, p);
                    });
            progress = done;
            String snapshot = snapshot(provider);
            TableClient.setState(target, queue, table, snapshot, CopyState.CATCHING_UP);
            target.commit();
            provider.commit();
            LOG.info("londiste {}: copied {}", queue, done);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(target);
            rollbackQuietly(provider);
            throw e;
        } finally {
            target.setAutoCommit(true);
            provider.setAutoCommit(true);
            provider.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        askForTick(provider);
    }

    /**
     * A tick on the provider now, when it is the root (a branch ticks when its own provider
     * does): the next step of the hand-over waits for one, and an idle root's ticker spaces
     * its ticks further and further apart.
     */
    private void askForTick(Connection provider) throws SQLException {
        if (providerIsRoot == null) {
            NodeInfo node = NodeClient.nodeInfo(provider, queue);
            providerIsRoot = node != null && node.isRoot();
        }
        if (providerIsRoot) {
            PgqClient.forceTick(provider, queue);
        }
    }

    /**
     * Replays the table's changes from the copy's tick on: skipping what the copy's snapshot
     * saw, asking for the hand-over once caught up, handing over at the main worker's tick.
     */
    private void catchUp(Connection provider, Connection target, String consumer) throws Exception {
        RowWriter writer = new RowWriter(target);
        CatchUp catchUp = new CatchUp(target, consumer, writer);
        BatchProcessor processor = new BatchProcessor(
                new QueueBatchReader(queue, consumer, BatchWindow.EVERY_TICK, fetchSize), fetchSize,
                EventGrouping.chunksOf(fetchSize), catchUp::apply, new FailBatch(consumer + " on " + queue),
                catchUp::begin, Duration.ZERO, NoopConsumerMetrics.INSTANCE);
        try {
            while (!stopped) {
                TableInfo t = TableClient.table(target, queue, table);
                if (t == null || !t.local()) {
                    LOG.info("londiste {}: table {} was removed while copying", queue, table);
                    return;
                }
                CopyState s = t.state();
                if (s.phase() == CopyState.Phase.OK) {
                    finishConsumer(provider, target, consumer);
                    LOG.info("londiste {}: table {} is in sync", queue, table);
                    return;
                }
                catchUp.table = t;
                if (s.phase() == CopyState.Phase.WANNA_SYNC || (s.phase() == CopyState.Phase.CATCHING_UP
                                                                 && replayWaits(t.copyRole()))) {
                    pause();
                    continue;
                }
                int n;
                try {
                    n = processor.processNext(provider);
                } catch (HandedOver done) {
                    continue;
                }
                if (n < 0 && s.phase() == CopyState.Phase.CATCHING_UP) {
                    long at = NodeClient.consumerState(target, queue, consumer).completedTick();
                    TableClient.setState(target, queue, table, t.customSnapshot(), CopyState.wannaSync(at));
                    LOG.info("londiste {}: copy of {} caught up at tick {}", queue, table, at);
                    // the main worker hands over at its first batch past that tick
                    askForTick(provider);
                } else if (n < 0) {
                    pause();
                }
            }
        } finally {
            writer.close();
        }
    }

    /** The catch-up's batch hooks: the hand-over check, the snapshot filter, this table only. */
    private final class CatchUp {
        private final Connection target;
        private final String consumer;
        private final RowWriter writer;
        private final Map<String, TableHandlerCache.Entry> handlers = new java.util.HashMap<>();
        private TableHandlerCache.Entry handler;
        private BatchInfo batch;
        private TableInfo table;
        private SnapshotFilter filter;
        private String filterText;

        CatchUp(Connection target, String consumer, RowWriter writer) {
            this.target = target;
            this.consumer = consumer;
            this.writer = writer;
        }

        private void finishBatch() throws SQLException {
            if (handler != null) {
                handler.handler().finishBatch(handler.context(target, writer, queue, batch));
            }
            writer.flush();
        }

        TargetTransaction begin(BatchInfo batch) throws SQLException {
            CopyState s = table.state();
            if (s.phase() == CopyState.Phase.DO_SYNC) {
                if (batch.curTickId() == s.tick()) {
                    // the main worker holds this very batch: from here on the table is its
                    TableClient.setState(target, queue, table.name(), null, CopyState.OK);
                    throw new HandedOver();
                }
                if (batch.curTickId() > s.tick()) {
                    throw new LondisteException("Invalid table state: copy of " + table.name() + " at batch ending "
                                                + batch.curTickId() + " is past the hand-over tick " + s.tick());
                }
            }
            if (!java.util.Objects.equals(filterText, table.customSnapshot())) {
                filter = SnapshotFilter.parse(table.customSnapshot());
                filterText = table.customSnapshot();
            }
            long completed = NodeClient.consumerState(target, queue, consumer).completedTick();
            if (handler != null) {
                handler.handler().discard();
            }
            handler = TableHandlerCache.get(handlers, table);
            writer.startBatch();
            this.batch = batch;
            return CascadedBatch.begin(target, queue, consumer, batch, completed, this::finishBatch);
        }

        Exception apply(BatchInfo batch, List<PgqEvent> events) throws SQLException {
            for (PgqEvent ev : events) {
                if (!EventKinds.isTableChange(ev) || !table.name().equals(EventKinds.table(ev))) {
                    continue;
                }
                if (filter != null && filter.sees(ev.txid())) {
                    continue;
                }
                handler.handler().process(ev, handler.context(target, writer, queue, batch));
            }
            return null;
        }
    }

    /**
     * Partition merge (several part queues of a merge node copy into one table): the lead
     * copies first (with the truncate), the others wait for it (wait-copy) and then add their
     * rows; londiste._coordinate_copy gives each part its role. Returns the role to copy in.
     */
    private String awaitCopyTurn(Connection target) throws SQLException {
        boolean logged = false;
        while (true) {
            TableInfo now = TableClient.table(target, queue, table);
            if (now == null || !now.local()) {
                throw new LondisteException("table " + table + " was removed while waiting to copy");
            }
            if (!"wait-copy".equals(now.copyRole())) {
                if (now.copyRole() != null) {
                    LOG.info("londiste {}: copy of {} as part {} of a merged table", queue, table, now.copyRole());
                }
                return now.copyRole();
            }
            if (!logged) {
                LOG.info("londiste {}: copy of {} waits for the lead partition to copy first", queue, table);
                logged = true;
            }
            waitOrStop();
        }
    }

    /**
     * Whether another part queue of this merge node already copied its rows into the table
     * (a part that is alone in copy gets no role): truncating would throw them away.
     */
    private boolean partitionCopied(Connection target, String destination) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement(
                "select count(*) from pgq_node.node_info me"
                + " join pgq_node.node_info n on n.combined_queue = me.combined_queue and n.queue_name <> me.queue_name"
                + " join londiste.table_info t on t.queue_name = n.queue_name"
                + " where me.queue_name = ? and coalesce(t.dest_table, t.table_name) = ?"
                + " and t.local and t.merge_state is not null and t.merge_state <> 'in-copy'")) {
            ps.setString(1, queue);
            ps.setString(2, destination);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static boolean isFollower(String role) {
        return role != null && !"lead".equals(role);
    }

    /** While other partitions of a merged table still copy, a part that copied waits to replay. */
    private static boolean replayWaits(String role) {
        return "lead".equals(role) || "wait-replay".equals(role);
    }

    /**
     * On a combined root the table is "ok" at once, but its rows come from the partitions'
     * merge-leaves: a copy from there waits until each of them has copied its part, or it
     * would miss the rows they are still copying (which reach no queue).
     */
    private void awaitPartitions(Connection provider, String sourceNode, String destination) throws SQLException {
        boolean logged = false;
        while (true) {
            long copying = ((Number) QueryRows.list(provider, "select count(*) as n from pgq_node.node_info n"
                    + " join londiste.table_info t on t.queue_name = n.queue_name"
                    + " where n.combined_queue = ? and coalesce(t.dest_table, t.table_name) = ?"
                    + " and t.local and t.merge_state is distinct from 'ok'", queue, destination).get(0).get("n"))
                    .longValue();
            if (copying == 0) {
                return;
            }
            if (!logged) {
                LOG.info("londiste {}: copy of {} waits for {} partition(s) of node {} to finish their copy", queue,
                        table, copying, sourceNode);
                logged = true;
            }
            waitOrStop();
        }
    }

    private void waitOrStop() throws SQLException {
        if (stopped) {
            throw new LondisteException("copy of " + table + " stopped while waiting");
        }
        try {
            pause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LondisteException("copy of " + table + " interrupted while waiting");
        }
    }

    /** The batch that ends at the hand-over tick: the table is the main worker's now. */
    private static final class HandedOver extends RuntimeException {
        HandedOver() {
            super("handed over", null, false, false);
        }
    }

    /** The rows to copy: the table's copy_condition, else the handler's. */
    private static String condition(Map<String, String> attrs, LondisteHandler handler, Connection target)
            throws SQLException {
        String c = attrs.get("copy_condition");
        return c != null ? c : handler.copyCondition(target);
    }

    /** Where a copy past its COPY reads: the node its consumer was registered on. */
    private CopySource registeredSource(Connection target, String consumer) throws SQLException {
        ConsumerState cs;
        try {
            cs = NodeClient.consumerState(target, queue, consumer);
        } catch (LondisteException notRegistered) {
            return new CopySource(providerNode, providerLocation);
        }
        if (cs.providerNode() == null || cs.providerNode().equals(providerNode)) {
            return new CopySource(providerNode, providerLocation);
        }
        return CopySource.named(target, queue, cs.providerNode());
    }

    private void finishConsumer(Connection provider, Connection target, String consumer) throws SQLException {
        PgqClient.unregisterConsumer(provider, queue, consumer);
        NodeClient.unregisterConsumer(target, queue, consumer);
    }

    private void pause() throws InterruptedException {
        Thread.sleep(WAIT.toMillis());
    }

    private long consumerTick(Connection provider, String consumer) throws SQLException {
        try (PreparedStatement ps = provider.prepareStatement(
                "select last_tick from pgq.get_consumer_info(?, ?)")) {
            ps.setString(1, queue);
            ps.setString(2, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LondisteException("consumer " + consumer + " is not registered on the provider");
                }
                return rs.getLong(1);
            }
        }
    }

    private static String snapshot(Connection provider) throws SQLException {
        try (Statement st = provider.createStatement();
             ResultSet rs = st.executeQuery("select txid_current_snapshot()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed by the caller
        }
    }
}
