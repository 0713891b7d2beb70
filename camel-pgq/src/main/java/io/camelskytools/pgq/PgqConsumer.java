package io.camelskytools.pgq;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.client.TickListener;
import io.camelskytools.pgq.client.TickSignal;
import io.camelskytools.pgq.cluster.ConsumerLeadership;
import io.camelskytools.pgq.consumer.BatchProcessor;
import io.camelskytools.pgq.consumer.BatchReader;
import io.camelskytools.pgq.consumer.BatchWindow;
import io.camelskytools.pgq.consumer.ConsumerRegistration;
import io.camelskytools.pgq.consumer.ConsumerStats;
import io.camelskytools.pgq.consumer.CoopBatchReader;
import io.camelskytools.pgq.consumer.EventGrouping;
import io.camelskytools.pgq.consumer.FailBatch;
import io.camelskytools.pgq.consumer.FailurePolicy;
import io.camelskytools.pgq.consumer.NoopConsumerMetrics;
import io.camelskytools.pgq.consumer.QueueBatchReader;
import io.camelskytools.pgq.consumer.RetryThenDeadLetter;
import io.camelskytools.pgq.consumer.PgqExtTransaction;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel side of reading a queue: lifecycle, wake-up on tick notifications, health
 * check, JMX and one exchange per delivery. The batch itself is the consumer core's
 * ({@link BatchProcessor}): taken with its first events, streamed when bigger, failed
 * events retried or dead-lettered, finished in one statement. A graceful shutdown waits for
 * the batch in hand (up to Camel's shutdown timeout): the batch is the unit of work,
 * whatever the route's shutdownRunningTask says; anything harder leaves it open for next time.
 * An exclusive consumer takes batches only while it leads its cluster namespace, and drops
 * the batch in hand (left open for the new leader) the moment it stops leading.
 */
@ManagedResource(description = "PgQ consumer")
public class PgqConsumer extends ScheduledPollConsumer implements ShutdownAware, HeldConnections {

    private static final Logger LOG = LoggerFactory.getLogger(PgqConsumer.class);

    private final PgqEndpoint endpoint;
    private final PgqConfiguration config;
    private final String queue;
    private final TickSignal ticks = new TickSignal();
    private TickListener listener;
    private Connection conn;
    /** False while the database was unreachable at start: schema check and registration wait for the first poll. */
    private volatile boolean prepared;
    private ProducerTemplate deadLetterTemplate;
    private PgqLagHealthCheck lagCheck;
    private volatile ConsumerStats stats = new ConsumerStats(NoopConsumerMetrics.INSTANCE);
    private BatchProcessor batches;
    private EventMessages messages;
    /** Set while an exclusive consumer is in its cluster view; null otherwise. */
    private volatile ConsumerLeadership leadership;

    public PgqConsumer(PgqEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.queue = endpoint.getQueueName();
    }

    @Override
    public PgqEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        prepared = endpoint.checkSchemaIfReachable("pgq consumer " + endpoint.consumerLabel() + " on " + queue);
        if (prepared && config.isRegisterConsumer()) {
            register();
        }
        if (prepared && config.isExclusive()) {
            joinCluster();
        }
        messages = new EventMessages(queue, config.getConsumerName(), config.isBatchMode());
        if (config.getDeadLetterUri() != null) {
            deadLetterTemplate = getEndpoint().getCamelContext().createProducerTemplate();
            deadLetterTemplate.start();
        }
        if (config.isListen()) {
            listener = new TickListener(endpoint.getDataSource(), queue, ticks, "pgq-ticks-" + queue);
            listener.start();
        }
        stats = new ConsumerStats(Meters.consumer(getEndpoint().getCamelContext(), queue, endpoint.consumerLabel()));
        batches = new BatchProcessor(reader(), config.getFetchSize(),
                config.isBatchMode() ? EventGrouping.chunksOf(config.getMaxEventsPerExchange()) : EventGrouping.perEvent(),
                this::deliver, failurePolicy(), targetTransactions(), config.getRetryDelay(), stats);
        HealthCheckRegistry health = HealthCheckRegistry.get(getEndpoint().getCamelContext());
        if (health != null) {
            lagCheck = new PgqLagHealthCheck(endpoint, config.getHealthMaxLag(), config.getHealthMaxTickerLag());
            health.register(lagCheck);
        }
        super.doStart();
        LOG.info("pgq consumer {} on queue {} started ({}{})", endpoint.consumerLabel(), queue,
                config.isBatchMode() ? "batch mode" : "event per exchange",
                config.isListen() ? ", woken by tick notifications" : ", polling");
    }

    private BatchReader reader() {
        BatchWindow window = new BatchWindow(config.getMinLag(), config.getMinCount(), config.getMinInterval());
        return config.getSubconsumer() == null
                ? new QueueBatchReader(queue, config.getConsumerName(), window, config.getFetchSize())
                : new CoopBatchReader(queue, config.getConsumerName(), config.getSubconsumer(), window,
                        config.getDeadInterval());
    }

    private FailurePolicy failurePolicy() {
        String who = endpoint.consumerLabel() + " on " + queue;
        if (config.getTargetDataSource() != null) {
            return new FailBatch(who);
        }
        return new RetryThenDeadLetter(who, config.getMaxRetries(), config.getRetryDelay(),
                deadLetterTemplate == null ? null
                        : new EndpointDeadLetters(deadLetterTemplate, config.getDeadLetterUri(), messages), stats);
    }

    private BatchProcessor.TargetTransactions targetTransactions() {
        PgqTargetDataSource target = config.getTargetDataSource();
        if (target == null) {
            return null;
        }
        // pgq_ext keys a record by (consumer, subconsumer); '' for a plain consumer
        String sub = config.getSubconsumer() == null ? "" : config.getSubconsumer();
        return batch -> PgqExtTransaction.begin(target, config.getConsumerName(), sub, batch.batchId());
    }

    /**
     * Joins the namespace {@code pgq:<database>/<queue>/<consumer>[.<subconsumer>]}, on the
     * endpoint's clusterService or on advisory locks in the queue's own database.
     */
    private void joinCluster() throws Exception {
        CamelClusterService service = config.getClusterService() != null ? config.getClusterService()
                : endpoint.getComponent().lockService(endpoint.getDataSource());
        String namespace = "pgq:" + endpoint.databaseName() + "/" + queue + "/" + endpoint.consumerLabel();
        leadership = ConsumerLeadership.join(service, namespace, "pgq consumer " + endpoint.consumerLabel() + " on " + queue);
        endpoint.getComponent().exclusiveStarted(this);
    }

    /** What the status page shows of this consumer, or null when it is not exclusive (or not in its view yet). */
    ExclusiveConsumer exclusiveState() {
        ConsumerLeadership l = leadership;
        if (l == null) {
            return null;
        }
        return new ExclusiveConsumer(queue, endpoint.consumerLabel(), l.namespace(),
                config.getClusterService() == null ? endpoint.getDataSource() : null, l.isLeading(), l.leaderId());
    }

    private void register() throws SQLException {
        try (Connection c = endpoint.getDataSource().getConnection()) {
            ConsumerRegistration.ensure(c, queue, config.getConsumerName(), config.getSubconsumer(), config.getStartTick());
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
        // a poll waiting for a tick or for leadership returns at once
        ticks.signal();
        ConsumerLeadership l = leadership;
        if (l != null) {
            l.wakeUp();
        }
        super.doStop();
        closeConnection();
        if (l != null) {
            endpoint.getComponent().exclusiveStopped(this);
            leadership = null;
            // ends this consumer's lock session: a standby takes over after its takeover delay
            l.close();
        }
        if (deadLetterTemplate != null) {
            deadLetterTemplate.stop();
            deadLetterTemplate = null;
        }
    }

    @Override
    protected int poll() throws Exception {
        try {
            if (!prepared) {
                // the database was unreachable at start
                endpoint.checkSchema();
                if (config.isRegisterConsumer()) {
                    register();
                }
                if (config.isExclusive()) {
                    joinCluster();
                }
                prepared = true;
                LOG.info("pgq consumer {} on queue {}: database reachable, reading batches", endpoint.consumerLabel(), queue);
            }
            ConsumerLeadership l = leadership;
            if (l != null && !l.isLeading() && !(l.awaitLeading(config.getIdleWait()) && isRunAllowed())) {
                // standing by
                return 0;
            }
            int events = batches.processNext(connection());
            if (events < 0 && isRunAllowed()) {
                // idle: sleep until the ticker announces a tick, or idleWait passes
                if (ticks.await(config.getIdleWait().toMillis()) && isRunAllowed() && (l == null || l.isLeading())) {
                    events = batches.processNext(connection());
                }
            }
            return Math.max(events, 0);
        } catch (LostLeadership e) {
            LOG.info(e.getMessage());
            return 0;
        } catch (SQLException e) {
            // the next poll starts on a fresh connection (database restarted, network cut, ...)
            closeConnection();
            throw e;
        }
    }

    /** Routes one exchange; its failure goes back to the failure policy, unless the consumer is stopping. */
    private Exception deliver(BatchInfo batch, List<PgqEvent> events) throws Exception {
        ConsumerLeadership l = leadership;
        if (l != null && !l.isLeading()) {
            throw new LostLeadership("pgq consumer " + endpoint.consumerLabel() + " on " + queue + ": this process no longer"
                                     + " leads '" + l.namespace() + "'; batch " + batch.batchId() + " is left open for the"
                                     + " new leader");
        }
        if (!isRunAllowed()) {
            throw new IllegalStateException("pgq consumer " + endpoint.consumerLabel() + " is stopping; batch "
                                            + batch.batchId() + " is left for redelivery");
        }
        Exchange exchange = createExchange(false);
        try {
            messages.fill(exchange.getIn(), batch, events);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Exception failure = exchange.getException();
            if (failure != null && !isRunAllowed()) {
                // a failure caused by the shutdown itself: leave the whole batch for the next run
                throw new IllegalStateException("pgq consumer " + endpoint.consumerLabel() + " stopped during batch "
                                                + batch.batchId() + "; it is left for redelivery", failure);
            }
            return failure;
        } finally {
            releaseExchange(exchange, false);
        }
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        // suspended first (isRunAllowed stays true), stopped once the batch in hand is done
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        BatchProcessor b = batches;
        return b == null ? 0 : b.pending();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // nothing to prepare: a forced stop leaves the batch open for redelivery
    }

    @ManagedAttribute(description = "Exclusive: whether this process leads the consumer's cluster namespace (always true"
                                    + " when not exclusive)")
    public boolean isActive() {
        ConsumerLeadership l = leadership;
        return l == null ? !config.isExclusive() : l.isLeading();
    }

    @ManagedAttribute(description = "Exclusive: the consumer's cluster namespace")
    public String getClusterNamespace() {
        ConsumerLeadership l = leadership;
        return l == null ? null : l.namespace();
    }

    /** Thrown into the batch in hand when this process stops leading: the batch stays open. */
    private static final class LostLeadership extends IllegalStateException {
        LostLeadership(String message) {
            super(message);
        }
    }

    @ManagedAttribute(description = "Events of finished batches (each counted once per delivery)")
    public long getEventsConsumed() {
        return stats.eventsConsumed();
    }

    @ManagedAttribute(description = "Batches finished")
    public long getBatchesFinished() {
        return stats.batchesFinished();
    }

    @ManagedAttribute(description = "Events put back into the retry queue")
    public long getEventsRetried() {
        return stats.eventsRetried();
    }

    @ManagedAttribute(description = "Events sent to deadLetterUri")
    public long getEventsDeadLettered() {
        return stats.eventsDeadLettered();
    }

    @ManagedAttribute(description = "How long the last batch took, in milliseconds")
    public long getLastBatchMillis() {
        return stats.lastBatchMillis();
    }

    @ManagedAttribute(description = "Id of the last finished batch")
    public long getLastBatchId() {
        return stats.lastBatchId();
    }

    /** Its poll's connection and its tick listener's; an exactly-once one's batch transaction in the target. */
    @Override
    public Map<DataSource, Integer> heldConnections() {
        Map<DataSource, Integer> held = new IdentityHashMap<>();
        held.put(endpoint.getDataSource(), config.isListen() ? 2 : 1);
        PgqTargetDataSource target = config.getTargetDataSource();
        if (target != null) {
            held.merge(target.target(), 1, Integer::sum);
        }
        return held;
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
}
