package io.camelskytools.londiste.worker;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.camelskytools.londiste.apply.EventKinds;
import io.camelskytools.londiste.apply.RowWriter;
import io.camelskytools.londiste.handler.TableHandlerCache;
import io.camelskytools.londiste.copy.CopyCoordinator;
import io.camelskytools.londiste.copy.CopyProgress;
import io.camelskytools.londiste.node.ConsumerState;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.CopyState;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;
import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.client.TickListener;
import io.camelskytools.pgq.client.TickSignal;
import io.camelskytools.pgq.consumer.BatchProcessor;
import io.camelskytools.pgq.consumer.BatchWindow;
import io.camelskytools.pgq.consumer.EventGrouping;
import io.camelskytools.pgq.consumer.FailBatch;
import io.camelskytools.pgq.consumer.NoopConsumerMetrics;
import io.camelskytools.pgq.consumer.QueueBatchReader;
import io.camelskytools.pgq.consumer.TargetTransaction;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main Londiste worker of one node, one step at a time (the Camel consumer or the CLI
 * calls {@link #step()} in a loop): on a leaf or branch it takes the next batch from the provider
 * through camel-pgq's batch processor, applies the changes of the tables that are in sync
 * and the queue's control events on the target in one transaction with the batch's tick,
 * and starts the copies of new tables beside it (a branch also copies every event and then
 * the tick into its own queue; a merge-leaf copies the events into the combined queue of
 * its database, with a pgq.tick-id event per batch); on a root it publishes the global
 * watermark and checks sequences.
 */
public final class LondisteWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LondisteWorker.class);
    /**
     * Events a batch of a worker that is behind merges ticks up to (pgq's min_count): a frequent
     * ticker leaves a backlog in small ticks, and each batch costs a dozen round trips besides
     * its rows, which cut the backlog drain to a third (docs/performance.md).
     */
    static final int CATCH_UP_EVENTS = 5000;

    private final WorkerSettings settings;
    private final ControlEvents control;
    private final SyncedWatermark syncedWatermark;
    private final CopyCoordinator copies;
    private Connection target;
    private Connection provider;
    private String providerLocation;
    private RowWriter writer;
    /** Reads the next tick's batch: what a worker that has caught up takes. */
    private ExecutorService prefetcher;
    private BatchProcessor processor;
    /** Reads ticks merged up to {@link #CATCH_UP_EVENTS}: what a worker that is behind takes. */
    private BatchProcessor catchUpProcessor;
    private String processorWorker;
    /** The last step applied a batch: there may be more waiting, so the next asks for a merged one first. */
    private boolean busy;
    private NodeInfo node;
    private ConsumerState state;
    private Map<String, TableInfo> tables = Map.of();
    private long lastGlobalWatermark;
    private long lastLocalWatermark;
    private volatile boolean stopping;
    /** Wakes the idle worker when the provider ticks (our PgQ announces ticks; Skytools' does not: then it polls). */
    private final TickSignal ticks = new TickSignal();
    private TickListener tickListener;
    private volatile BatchInfo lastBatch;
    /** The highest event id a branch copied: the event sequence of the ticks it makes. */
    private long maxEventId;

    public LondisteWorker(WorkerSettings settings) {
        this.settings = settings;
        this.syncedWatermark = new SyncedWatermark(settings.queue());
        this.control = new ControlEvents(settings.queue(), syncedWatermark);
        this.copies = new CopyCoordinator(settings);
    }

    /** The batch the last step applied (or finished), null before the first. */
    public BatchInfo lastBatch() {
        return lastBatch;
    }

    /** The settings the worker runs with. */
    /** Each table's copy figures: the one running or the latest one done in this process. */
    public Map<String, CopyProgress> copyProgress() {
        return copies.progress();
    }

    public WorkerSettings settings() {
        return settings;
    }

    /** The node as last read, null before the first step. */
    public NodeInfo node() {
        return node;
    }

    /**
     * One step: the events applied from one batch, 0 when a batch was only finished or had to
     * wait, -1 when there was nothing to do (paused, no new tick, a root).
     */
    public int step() throws Exception {
        if (target == null) {
            target = Connections.openTarget(settings.targetUrl(), "londiste worker " + settings.queue());
            writer = new RowWriter(target);
        }
        node = NodeClient.nodeInfo(target, settings.queue());
        if (node == null) {
            throw new LondisteException(404, "this database is no node of queue " + settings.queue()
                                             + " (create-root, create-branch or create-leaf first)");
        }
        if (node.combinedQueue() != null && node.combinedType() == null) {
            throw new LondisteException(404, "merge-leaf " + node.name() + ": its combined queue "
                                             + node.combinedQueue() + " has no node in this database");
        }
        state = NodeClient.consumerState(target, settings.queue(), node.worker());
        // uptodate first, also when paused and on a root: it is how pause, resume and a
        // takeover know the worker saw them
        if (!state.uptodate()) {
            NodeClient.setUptodate(target, settings.queue(), node.worker(), true);
        }
        if (state.paused()) {
            return -1;
        }
        if (node.isRoot()) {
            rootDuties();
            return -1;
        }
        connectProvider(state.providerLocation());
        tables = tableMap(TableClient.tables(target, settings.queue()));
        copies.sync(tables.values(), node, state.providerNode(), providerLocation);
        try {
            int n = -1;
            if (busy && !node.isBranch()) {
                // behind, perhaps: merged ticks if there are enough events, else the next tick's batch.
                // Not on a branch: its queue keeps every tick of its provider, so that a node below
                // can move to a sibling, or the branch take over, at whatever tick it stands
                n = processor(node.worker(), true).processNext(provider);
            }
            if (n < 0) {
                n = processor(node.worker(), false).processNext(provider);
            }
            busy = n >= 0;
            if (n >= 0) {
                if (node.isBranch()) {
                    tickBranch(lastBatch);
                }
                afterBatch();
            }
            if (state.error() != null && n < 0) {
                // a step went well: the error recorded by an earlier one is over (a batch clears it itself)
                NodeClient.setError(target, settings.queue(), node.worker(), null);
            }
            return n;
        } catch (BatchDeferred d) {
            LOG.debug("londiste {}: {}", settings.queue(), d.getMessage());
            return d.idle() ? -1 : 0;
        }
    }

    private BatchProcessor processor(String worker, boolean catchUp) {
        if (processor == null || !worker.equals(processorWorker)) {
            processor = processor(worker, BatchWindow.EVERY_TICK);
            catchUpProcessor = processor(worker, new BatchWindow(null, CATCH_UP_EVENTS, null));
            processorWorker = worker;
        }
        return catchUp ? catchUpProcessor : processor;
    }

    private BatchProcessor processor(String worker, BatchWindow window) {
        return new BatchProcessor(new QueueBatchReader(settings.queue(), worker, window, settings.fetchSize()),
                settings.fetchSize(), EventGrouping.chunksOf(settings.fetchSize()), this::apply,
                new FailBatch(worker + " on " + settings.queue()), this::begin, Duration.ZERO,
                NoopConsumerMetrics.INSTANCE).prefetchOn(prefetcher());
    }

    /** One thread that reads the provider's next chunk while the target applies this one. */
    private ExecutorService prefetcher() {
        if (prefetcher == null) {
            prefetcher = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "londiste-prefetch-" + settings.queue());
                t.setDaemon(true);
                return t;
            });
        }
        return prefetcher;
    }

    /** Opens the batch's target transaction, after the copy hand-over has had its say. */
    private TargetTransaction begin(BatchInfo batch) throws SQLException {
        if (node.combinedQueue() != null) {
            TargetTransaction held = mergeLeafPosition(batch);
            if (held != null) {
                lastBatch = batch;
                return held;
            }
        }
        handOver(batch);
        lastBatch = batch;
        writer.startBatch();
        // handlers still marked touched saw a batch that did not commit
        for (TableHandlerCache.Entry e : touched) {
            e.handler().discard();
        }
        touched.clear();
        return CascadedBatch.begin(target, settings.queue(), node.worker(), batch, state.completedTick(),
                this::finishBatch);
    }

    /**
     * A merge-leaf's position may be ahead of its batches: under a combined branch that branch
     * moves it (pgq.tick-id, set_partition_watermark) and the leaf only waits behind it, taking
     * no batch until the branch has passed it ("wait-behind", as londiste3); after the combined
     * queue's node became a root the leaf skips what the branch had already done.
     * Null: the batch is to be applied.
     */
    private TargetTransaction mergeLeafPosition(BatchInfo batch) throws SQLException {
        long completed = NodeClient.consumerState(target, settings.queue(), node.worker()).completedTick();
        if (completed >= batch.curTickId()) {
            return CascadedBatch.held(target, settings.queue(), node.worker(), batch);
        }
        if (feedsCombinedBranch()) {
            throw new BatchDeferred("merge-leaf " + node.name() + " waits for the combined branch to pass tick "
                                    + batch.curTickId() + " (it is at " + completed + ")", true);
        }
        return null;
    }

    /** A merge-leaf whose combined queue is a root here: it copies its events into that queue. */
    private boolean feedsCombinedRoot() {
        return node.combinedQueue() != null && "root".equals(node.combinedType());
    }

    private boolean feedsCombinedBranch() {
        return node.combinedQueue() != null && "branch".equals(node.combinedType());
    }

    /**
     * A copy that caught up to tick T (wanna-sync:T) is told to stop at the end of the first
     * batch of ours that goes past T (do-sync:cur); until it is done this batch waits.
     */
    private void handOver(BatchInfo batch) throws SQLException {
        for (TableInfo t : tables.values()) {
            CopyState s = t.state();
            if (s.phase() == CopyState.Phase.DO_SYNC) {
                throw new BatchDeferred("waiting for the copy of " + t.name() + " to reach tick " + s.tick());
            }
            if (s.phase() == CopyState.Phase.WANNA_SYNC && batch.curTickId() > s.tick()) {
                TableClient.setState(target, settings.queue(), t.name(), t.customSnapshot(),
                        CopyState.doSync(batch.curTickId()));
                LOG.info("londiste {}: table {} hands over at tick {}", settings.queue(), t.name(), batch.curTickId());
                throw new BatchDeferred("table " + t.name() + " syncs at tick " + batch.curTickId());
            }
        }
    }

    /** The handler of each table as its attributes say, made again when they change. */
    private final Map<String, TableHandlerCache.Entry> handlers = new HashMap<>();
    /** Handlers that saw events of the batch in hand: they finish before it commits. */
    private final Set<TableHandlerCache.Entry> touched = new LinkedHashSet<>();

    private void finishBatch() throws SQLException {
        for (TableHandlerCache.Entry e : touched) {
            e.handler().finishBatch(e.context(target, writer, settings.queue(), lastBatch));
        }
        touched.clear();
        writer.flush();
        if (feedsCombinedRoot()) {
            CombinedQueueFeed.tickId(target, node.combinedQueue(), settings.queue(), lastBatch.curTickId());
        }
    }

    private Exception apply(BatchInfo batch, List<PgqEvent> events) throws Exception {
        if (node.isBranch()) {
            // a branch holds the very same events as its provider: same ids, times, ticks
            PgqClient.copyEventsAsTheyAre(target, settings.queue(), syncedCopies(events));
            for (PgqEvent ev : events) {
                maxEventId = Math.max(maxEventId, ev.id());
            }
        } else if (feedsCombinedRoot()) {
            CombinedQueueFeed.copy(target, node.combinedQueue(), events);
        }
        for (PgqEvent ev : events) {
            if (ev.retry() > 0) {
                throw new LondisteException("event " + ev.id() + " is a retry event: a worker never retries");
            }
            if (EventKinds.isTableChange(ev)) {
                TableInfo t = tables.get(EventKinds.table(ev));
                if (t != null && t.local() && t.state().phase() == CopyState.Phase.OK) {
                    TableHandlerCache.Entry h = TableHandlerCache.get(handlers, t);
                    touched.add(h);
                    h.handler().process(ev, h.context(target, writer, settings.queue(), batch));
                }
            } else {
                writer.flush();
                control.apply(target, node, ev);
            }
        }
        return null;
    }

    /**
     * After a batch a branch makes the provider's tick in its own queue, in a transaction of
     * its own (its snapshot must see the copied events as committed); the highest event id
     * copied so far is the tick's event sequence. After a crash the local queue may already
     * have the tick (nothing to do) or stop at the batch's start (make it); anything else is
     * an error.
     */
    private void tickBranch(BatchInfo batch) throws SQLException {
        if (batch == null) {
            return;
        }
        long[] last = lastLocalTick();
        if (last[0] == batch.curTickId()) {
            return;
        }
        if (last[0] != batch.prevTickId()) {
            throw new LondisteException("branch " + node.name() + ": the queue's last tick is " + last[0]
                                        + ", expected " + batch.prevTickId() + " or " + batch.curTickId());
        }
        maxEventId = Math.max(maxEventId, last[1]);
        PgqClient.externalTick(target, settings.queue(), batch.curTickId(), batch.curTickTime(), maxEventId);
    }

    /** The local queue's last tick id and its event sequence. */
    private long[] lastLocalTick() throws SQLException {
        try (java.sql.PreparedStatement ps = target.prepareStatement(
                "select t.tick_id, t.tick_event_seq from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                + " where q.queue_name = ? order by t.tick_id desc limit 1")) {
            ps.setString(1, settings.queue());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LondisteException("branch " + node.name() + ": queue " + settings.queue()
                                                + " has no tick");
                }
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /**
     * On a branch with sync_watermark the global-watermark events it passes on carry its own
     * global watermark, not the root's: the nodes below keep what the synced nodes need.
     */
    private List<PgqEvent> syncedCopies(List<PgqEvent> events) {
        if (SyncedWatermark.nodes(node) == null || node.globalWatermark() == null) {
            return events;
        }
        List<PgqEvent> out = new java.util.ArrayList<>(events.size());
        for (PgqEvent e : events) {
            out.add(!"pgq.global-watermark".equals(e.type()) ? e
                    : new PgqEvent(e.id(), e.time(), e.txid(), e.retry(), e.type(), node.globalWatermark().toString(),
                            e.extra1(), e.extra2(), e.extra3(), e.extra4()));
        }
        return out;
    }

    private void afterBatch() throws SQLException {
        TableClient.restoreFkeys(target, settings.queue());
        publishLocalWatermark();
    }

    private void rootDuties() throws SQLException {
        long now = System.nanoTime();
        if (lastGlobalWatermark == 0 || now - lastGlobalWatermark >= settings.globalWatermarkPeriod().toNanos()) {
            NodeClient.setGlobalWatermark(target, settings.queue(), null);
            lastGlobalWatermark = now;
        }
        NodeClient.call(target, "londiste.root_check_seqs", settings.queue());
    }

    /** Tells the provider how far this node (and what hangs below it) has come, so it keeps what we need. */
    private void publishLocalWatermark() throws SQLException {
        long now = System.nanoTime();
        if (lastLocalWatermark != 0 && now - lastLocalWatermark < settings.localWatermarkPeriod().toNanos()) {
            return;
        }
        NodeInfo fresh = NodeClient.nodeInfo(target, settings.queue());
        if (fresh == null || fresh.localWatermark() == null || lastBatch == null) {
            return;
        }
        List<String> syncWith = SyncedWatermark.nodes(fresh);
        // a branch that syncs its watermark with other nodes reports only where it reads: what
        // its subtree needs its own queue keeps; otherwise never past the batch just applied
        long wm = syncWith != null ? lastBatch.prevTickId() : Math.min(fresh.localWatermark(), lastBatch.curTickId());
        NodeClient.setSubscriberWatermark(provider, settings.queue(), fresh.name(), wm);
        lastLocalWatermark = now;
        if (syncWith != null) {
            syncedWatermark.publish(target, fresh, syncWith);
        }
    }

    private void connectProvider(String location) throws SQLException {
        if (location == null) {
            throw new LondisteException("the provider of node " + node.name() + " has no location in pgq_node");
        }
        if (provider != null && location.equals(providerLocation)) {
            return;
        }
        Connections.closeQuietly(provider);
        provider = null;
        String url = Conninfo.parse(location).jdbcUrl();
        provider = Connections.open(url, "londiste worker " + settings.queue());
        providerLocation = location;
        if (tickListener != null) {
            tickListener.close();
        }
        PGSimpleDataSource listenTo = new PGSimpleDataSource();
        listenTo.setURL(url);
        listenTo.setApplicationName("londiste worker " + settings.queue());
        tickListener = new TickListener(listenTo, settings.queue(), ticks, "londiste-ticks-" + settings.queue());
        tickListener.start();
        LOG.info("londiste {}: node {} reads from provider {} ({})", settings.queue(), node.name(), state.providerNode(),
                Conninfo.mask(location));
    }

    private static Map<String, TableInfo> tableMap(List<TableInfo> list) {
        Map<String, TableInfo> m = new HashMap<>();
        for (TableInfo t : list) {
            m.put(t.name(), t);
        }
        return m;
    }

    /**
     * Waits for the provider's next tick, at most {@code max} (a worker with nothing to do
     * calls it between steps); true when a tick came.
     */
    public boolean awaitTick(java.time.Duration max) throws InterruptedException {
        return ticks.await(max.toMillis());
    }

    /** Stops the copies; the batch in hand (if any) is left to the caller's step to finish. */
    public void stop() {
        stopping = true;
        copies.stop();
    }

    public boolean stopping() {
        return stopping;
    }

    /**
     * After a failed step: records the error on the target (best effort) and drops the
     * connections, so the next step starts clean. The batch in hand stays open and comes again.
     */
    public void reset(Exception failure) {
        if (target != null && node != null && node.worker() != null) {
            try {
                target.setAutoCommit(true);
                NodeClient.setError(target, settings.queue(), node.worker(), String.valueOf(failure.getMessage()));
            } catch (SQLException | RuntimeException e) {
                LOG.debug("londiste {}: recording the error on the target: {}", settings.queue(), e.getMessage());
            }
        }
        dropConnections();
    }

    /** Closes the connections: a batch not committed stays open on the provider and comes again. */
    @Override
    public void close() {
        copies.stop();
        dropConnections();
        if (prefetcher != null) {
            prefetcher.shutdownNow();
            prefetcher = null;
        }
    }

    private void dropConnections() {
        if (tickListener != null) {
            tickListener.close();
            tickListener = null;
        }
        if (writer != null) {
            writer.close();
        }
        Connections.closeQuietly(provider);
        Connections.closeQuietly(target);
        provider = null;
        providerLocation = null;
        target = null;
        writer = null;
        processor = null;
        catchUpProcessor = null;
        busy = false;
    }
}
