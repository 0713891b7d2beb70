package io.camelskytools.pgq;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.EventCursor;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.client.PgqInfo;
import io.camelskytools.pgq.client.TickListener;
import io.camelskytools.pgq.client.TickSignal;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a queue batch by batch for one consumer name. The batch is taken (and committed
 * open) with its first events in one statement, a bigger one streamed after that, and
 * routed event by event (or in List chunks); then one statement puts the failed events in
 * the retry queue and finishes the batch. Anything that stops a batch half-way (crash, lost
 * connection, shutdown) leaves it open, so it comes again: delivery is at-least-once and
 * no event is lost. A graceful shutdown waits for the batch in hand (up to Camel's
 * shutdown timeout): the batch is the unit of work, whatever the route's
 * shutdownRunningTask says.
 */
@ManagedResource(description = "PgQ consumer")
public class PgqConsumer extends ScheduledPollConsumer implements ShutdownAware {

    private static final Logger LOG = LoggerFactory.getLogger(PgqConsumer.class);

    private final PgqEndpoint endpoint;
    private final TickSignal ticks = new TickSignal();
    private TickListener listener;
    private Connection conn;
    /** False while the database was unreachable at start: schema check and registration wait for the first poll. */
    private volatile boolean prepared;
    private ProducerTemplate deadLetters;
    private PgqLagHealthCheck lagCheck;
    // a PgqMetrics, typed Object so this class loads without Micrometer
    private Object metrics;
    private final AtomicLong eventsConsumed = new AtomicLong();
    private final AtomicLong batchesFinished = new AtomicLong();
    private final AtomicLong eventsRetried = new AtomicLong();
    private final AtomicLong eventsDeadLettered = new AtomicLong();
    private volatile long lastBatchMillis;
    private volatile long lastBatchId;
    /**
     * Events of the batch in hand not routed yet, at least 1 until the batch is finished
     * (a streamed batch's size is not known). Camel's shutdown only sees exchanges in flight,
     * and between two events there is none.
     */
    private volatile int pendingInBatch;

    public PgqConsumer(PgqEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    public PgqEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        prepared = endpoint.checkSchemaIfReachable("pgq consumer " + endpoint.getConsumerName() + " on "
                                                   + endpoint.getQueueName());
        if (prepared && endpoint.isRegisterConsumer()) {
            register();
        }
        if (endpoint.getDeadLetterUri() != null) {
            deadLetters = getEndpoint().getCamelContext().createProducerTemplate();
            deadLetters.start();
        }
        if (endpoint.isListen()) {
            listener = new TickListener(endpoint.getDataSource(), endpoint.getQueueName(), ticks,
                    "pgq-ticks-" + endpoint.getQueueName());
            listener.start();
        }
        if (OptionalLibraries.MICROMETER) {
            metrics = PgqMetrics.forConsumer(getEndpoint().getCamelContext(), endpoint.getQueueName(), consumerLabel());
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(getEndpoint().getCamelContext());
        if (health != null) {
            lagCheck = new PgqLagHealthCheck(endpoint, endpoint.getHealthMaxLag(), endpoint.getHealthMaxTickerLag());
            health.register(lagCheck);
        }
        super.doStart();
        LOG.info("pgq consumer {} on queue {} started ({}{})", endpoint.getConsumerName(), endpoint.getQueueName(),
                endpoint.isBatchMode() ? "batch mode" : "event per exchange",
                endpoint.isListen() ? ", woken by tick notifications" : ", polling");
    }

    private void register() throws SQLException {
        try (Connection c = endpoint.getDataSource().getConnection()) {
            if (endpoint.getSubconsumer() != null) {
                if (PgqClient.registerSubconsumer(c, endpoint.getQueueName(), endpoint.getConsumerName(),
                        endpoint.getSubconsumer()) == 1) {
                    LOG.info("pgq subconsumer {}.{} registered on queue {}", endpoint.getConsumerName(),
                            endpoint.getSubconsumer(), endpoint.getQueueName());
                }
                return;
            }
            if (!PgqInfo.isRegistered(c, endpoint.getQueueName(), endpoint.getConsumerName())) {
                PgqClient.registerConsumer(c, endpoint.getQueueName(), endpoint.getConsumerName(), endpoint.getStartTick());
                LOG.info("pgq consumer {} registered on queue {}", endpoint.getConsumerName(), endpoint.getQueueName());
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (lagCheck != null) {
            HealthCheckRegistry health = HealthCheckRegistry.get(getEndpoint().getCamelContext());
            if (health != null) {
                health.unregister(lagCheck);
            }
            lagCheck = null;
        }
        if (listener != null) {
            listener.close();
            listener = null;
        }
        // a poll waiting for a tick returns at once
        ticks.signal();
        super.doStop();
        closeConnection();
        if (deadLetters != null) {
            deadLetters.stop();
            deadLetters = null;
        }
    }

    @Override
    protected int poll() throws Exception {
        try {
            if (!prepared) {
                // the database was unreachable at start
                endpoint.checkSchema();
                if (endpoint.isRegisterConsumer()) {
                    register();
                }
                prepared = true;
                LOG.info("pgq consumer {} on queue {}: database reachable, reading batches", endpoint.getConsumerName(),
                        endpoint.getQueueName());
            }
            int events = pollBatch();
            if (events < 0 && isRunAllowed()) {
                // idle: sleep until the ticker announces a tick, or idleWait passes
                if (ticks.await(endpoint.getIdleWait().toMillis()) && isRunAllowed()) {
                    events = pollBatch();
                }
            }
            return Math.max(events, 0);
        } catch (SQLException e) {
            // the next poll starts on a fresh connection (database restarted, network cut, ...)
            closeConnection();
            throw e;
        }
    }

    /** Processes the next batch; the number of events, or -1 when there was no batch. */
    private int pollBatch() throws Exception {
        // from asking for a batch until it is finished (or there is none), a shutdown waits
        pendingInBatch = 1;
        try {
            return readAndRouteBatch();
        } finally {
            pendingInBatch = 0;
        }
    }

    private int readAndRouteBatch() throws Exception {
        Connection c = connection();
        long started = System.nanoTime();
        BatchInfo batch;
        List<PgqEvent> inline = null;
        if (endpoint.getSubconsumer() == null) {
            PgqClient.BatchRead read = PgqClient.nextBatchWithEvents(c, endpoint.getQueueName(), endpoint.getConsumerName(),
                    endpoint.getMinLag(), endpoint.getMinCount(), endpoint.getMinInterval(), endpoint.getFetchSize());
            if (read == null) {
                return -1;
            }
            batch = read.batch();
            inline = read.events();
        } else {
            Long id = PgqClient.nextCoopBatch(c, endpoint.getQueueName(), endpoint.getConsumerName(),
                    endpoint.getSubconsumer(), endpoint.getMinLag(), endpoint.getMinCount(), endpoint.getMinInterval(),
                    endpoint.getDeadInterval());
            if (id == null) {
                return -1;
            }
            // coop batches carry no tick details here; logs show the batch id
            batch = new BatchInfo(id, 0, 0, null, null);
        }
        pendingInBatch = Math.max(1, inline == null ? 0 : inline.size());
        int count = 0;
        List<Long> retries = new ArrayList<>();
        PgqTargetDataSource targetDs = endpoint.getTargetDataSource();
        Connection target = null;
        EventCursor cursor = null;
        // a batch too big for one fetch is streamed through a portal, which needs a transaction
        boolean streaming = inline == null;
        boolean done = false;
        try {
            if (targetDs != null) {
                target = targetDs.target().getConnection();
                target.setAutoCommit(false);
                if (PgqClient.isBatchDone(target, endpoint.getConsumerName(), subconsumerId(), batch.batchId())) {
                    // applied before a crash, not finished: finishing is all that is left
                    LOG.info("pgq consumer {} on {}: batch {} was already applied to the target; finishing it",
                            endpoint.getConsumerName(), endpoint.getQueueName(), batch.batchId());
                    target.rollback();
                    finish(c, batch, List.of());
                    done = true;
                    return 0;
                }
                targetDs.bind(target);
            }
            if (streaming) {
                c.setAutoCommit(false);
                cursor = EventCursor.open(c, batch.batchId(), endpoint.getFetchSize());
            }
            for (List<PgqEvent> events = streaming ? cursor.next() : inline; !events.isEmpty();
                 events = streaming ? cursor.next() : List.of()) {
                if (endpoint.isBatchMode()) {
                    for (int i = 0; i < events.size(); i += endpoint.getMaxEventsPerExchange()) {
                        List<PgqEvent> chunk = events.subList(i, Math.min(events.size(), i + endpoint.getMaxEventsPerExchange()));
                        deliver(batch, new ArrayList<>(chunk), retries);
                        pendingInBatch = Math.max(1, pendingInBatch - chunk.size());
                    }
                } else {
                    for (PgqEvent event : events) {
                        deliver(batch, List.of(event), retries);
                        pendingInBatch = Math.max(1, pendingInBatch - 1);
                    }
                }
                count += events.size();
            }
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
            if (target != null) {
                targetDs.unbind();
                PgqClient.setBatchDone(target, endpoint.getConsumerName(), subconsumerId(), batch.batchId());
                target.commit();
            }
            finish(c, batch, retries);
            if (streaming) {
                c.commit();
            }
            done = true;
            eventsConsumed.addAndGet(count);
            eventsRetried.addAndGet(retries.size());
            batchesFinished.incrementAndGet();
            lastBatchId = batch.batchId();
            lastBatchMillis = (System.nanoTime() - started) / 1_000_000;
            if (metrics != null) {
                ((PgqMetrics) metrics).batch(count, retries.size(), System.nanoTime() - started, batch.curTickTime());
            }
        } finally {
            if (cursor != null) {
                closeQuietly(cursor);
            }
            if (targetDs != null) {
                targetDs.unbind();
            }
            if (target != null) {
                if (!done) {
                    rollbackQuietly(target);
                }
                closeQuietly(target);
            }
            if (streaming) {
                if (!done) {
                    rollbackQuietly(c);
                }
                c.setAutoCommit(true);
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("pgq consumer {} on {}: batch {} (ticks {}..{}) done, {} events, {} to retry, {} ms",
                    endpoint.getConsumerName(), endpoint.getQueueName(), batch.batchId(), batch.prevTickId(),
                    batch.curTickId(), count, retries.size(), (System.nanoTime() - started) / 1_000_000);
        }
        return count;
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        // suspended first (isRunAllowed stays true), stopped once the batch in hand is done
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        return pendingInBatch;
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // nothing to prepare: a forced stop leaves the batch open for redelivery
    }

    /** Routes one exchange; a failed event is noted for the retry queue, or goes to the dead letters. */
    private void deliver(BatchInfo batch, List<PgqEvent> events, List<Long> retries) throws Exception {
        if (!isRunAllowed()) {
            throw new IllegalStateException("pgq consumer " + endpoint.getConsumerName() + " is stopping; batch "
                                            + batch.batchId() + " is left for redelivery");
        }
        Exchange exchange = createExchange(false);
        try {
            fill(exchange.getIn(), batch, events);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Exception failure = exchange.getException();
            if (failure == null) {
                return;
            }
            if (!isRunAllowed()) {
                // a failure caused by the shutdown itself: leave the whole batch for the next run
                throw new IllegalStateException("pgq consumer " + endpoint.getConsumerName() + " stopped during batch "
                                                + batch.batchId() + "; it is left for redelivery", failure);
            }
            if (endpoint.getTargetDataSource() != null) {
                // exactly-once: the batch is applied whole or not at all
                throw new PgqBatchFailedException("pgq consumer " + endpoint.getConsumerName() + " on "
                        + endpoint.getQueueName() + ": event " + events.get(0).id() + " failed; batch " + batch.batchId()
                        + " is rolled back in the target and stays open", failure);
            }
            for (PgqEvent event : events) {
                if (event.retry() < endpoint.getMaxRetries()) {
                    retries.add(event.id());
                    LOG.warn("pgq consumer {} on {}: event {} failed ({}); retry {} of {} in {}", endpoint.getConsumerName(),
                            endpoint.getQueueName(), event.id(), failure.toString(), event.retry() + 1,
                            endpoint.getMaxRetries(), endpoint.getRetryDelay());
                } else {
                    toDeadLetters(batch, event, failure);
                }
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private void toDeadLetters(BatchInfo batch, PgqEvent event, Exception failure) throws Exception {
        if (deadLetters == null) {
            throw new PgqBatchFailedException("pgq consumer " + endpoint.getConsumerName() + " on " + endpoint.getQueueName()
                    + ": event " + event.id() + " failed after " + event.retry() + " retries and no deadLetterUri is set;"
                    + " batch " + batch.batchId() + " stays open", failure);
        }
        Exchange dead = deadLetters.send(endpoint.getDeadLetterUri(), ex -> {
            fill(ex.getIn(), batch, List.of(event));
            ex.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        });
        if (dead.getException() != null) {
            throw new PgqBatchFailedException("pgq consumer " + endpoint.getConsumerName() + ": event " + event.id()
                    + " could not go to " + endpoint.getDeadLetterUri() + "; batch " + batch.batchId() + " stays open",
                    dead.getException());
        }
        eventsDeadLettered.incrementAndGet();
        if (metrics != null) {
            ((PgqMetrics) metrics).deadLettered();
        }
        LOG.warn("pgq consumer {} on {}: event {} failed {} times ({}); sent to {}", endpoint.getConsumerName(),
                endpoint.getQueueName(), event.id(), event.retry() + 1, failure.toString(), endpoint.getDeadLetterUri());
    }

    private void fill(Message in, BatchInfo batch, List<PgqEvent> events) {
        in.setHeader(PgqConstants.QUEUE, endpoint.getQueueName());
        in.setHeader(PgqConstants.CONSUMER, endpoint.getConsumerName());
        in.setHeader(PgqConstants.BATCH_ID, batch.batchId());
        if (endpoint.isBatchMode()) {
            in.setBody(events);
            return;
        }
        PgqEvent e = events.get(0);
        in.setBody(e.data());
        in.setHeader(PgqConstants.EVENT_ID, e.id());
        in.setHeader(PgqConstants.EVENT_TIME, e.time());
        in.setHeader(PgqConstants.TXID, e.txid());
        in.setHeader(PgqConstants.EVENT_TYPE, e.type());
        setIfPresent(in, PgqConstants.EXTRA1, e.extra1());
        setIfPresent(in, PgqConstants.EXTRA2, e.extra2());
        setIfPresent(in, PgqConstants.EXTRA3, e.extra3());
        setIfPresent(in, PgqConstants.EXTRA4, e.extra4());
        in.setHeader(PgqConstants.RETRY, e.retry());
    }

    private static void setIfPresent(Message in, String header, String value) {
        if (value != null) {
            in.setHeader(header, value);
        }
    }

    @ManagedAttribute(description = "Events of finished batches (each counted once per delivery)")
    public long getEventsConsumed() {
        return eventsConsumed.get();
    }

    @ManagedAttribute(description = "Batches finished")
    public long getBatchesFinished() {
        return batchesFinished.get();
    }

    @ManagedAttribute(description = "Events put back into the retry queue")
    public long getEventsRetried() {
        return eventsRetried.get();
    }

    @ManagedAttribute(description = "Events sent to deadLetterUri")
    public long getEventsDeadLettered() {
        return eventsDeadLettered.get();
    }

    @ManagedAttribute(description = "How long the last batch took, in milliseconds")
    public long getLastBatchMillis() {
        return lastBatchMillis;
    }

    @ManagedAttribute(description = "Id of the last finished batch")
    public long getLastBatchId() {
        return lastBatchId;
    }

    /** Retries and finish in one statement: both happen, or neither. */
    private void finish(Connection c, BatchInfo batch, List<Long> retries) throws SQLException {
        PgqClient.finishBatch(c, batch.batchId(), retries, endpoint.getRetryDelay(), endpoint.getSubconsumer() != null);
    }

    private String consumerLabel() {
        return endpoint.getSubconsumer() == null ? endpoint.getConsumerName()
                : endpoint.getConsumerName() + "." + endpoint.getSubconsumer();
    }

    /** pgq_ext keys a record by (consumer, subconsumer); '' for a plain consumer. */
    private String subconsumerId() {
        return endpoint.getSubconsumer() == null ? "" : endpoint.getSubconsumer();
    }

    private static void closeQuietly(EventCursor cursor) {
        try {
            cursor.close();
        } catch (SQLException e) {
            LOG.debug("closing the batch cursor: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing the target connection: {}", e.getMessage());
        }
    }

    private Connection connection() throws SQLException {
        if (conn == null || conn.isClosed()) {
            conn = endpoint.getDataSource().getConnection();
            conn.setAutoCommit(true);
        }
        return conn;
    }

    private void closeConnection() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException e) {
                LOG.debug("closing a broken connection: {}", e.getMessage());
            }
            conn = null;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }
}
