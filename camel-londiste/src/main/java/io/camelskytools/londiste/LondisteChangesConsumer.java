package io.camelskytools.londiste;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.camelskytools.jdbc.ServerErrors;
import io.camelskytools.londiste.changes.CascadedRegistration;
import io.camelskytools.londiste.changes.ChangeDecoder;
import io.camelskytools.londiste.changes.ChangeMessages;
import io.camelskytools.londiste.changes.ChangesSettings;
import io.camelskytools.londiste.changes.TableChange;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.worker.CascadedBatch;
import io.camelskytools.pgq.HeldConnections;
import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.client.TickListener;
import io.camelskytools.pgq.client.TickSignal;
import io.camelskytools.pgq.consumer.BatchProcessor;
import io.camelskytools.pgq.consumer.BatchWindow;
import io.camelskytools.pgq.consumer.EventGrouping;
import io.camelskytools.pgq.consumer.FailBatch;
import io.camelskytools.pgq.consumer.NoopConsumerMetrics;
import io.camelskytools.pgq.consumer.PgqBatchFailedException;
import io.camelskytools.pgq.consumer.QueueBatchReader;
import io.camelskytools.pgq.consumer.TargetTransaction;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code londiste:changes}: the row changes of a node's queue as exchanges, read as a
 * cascaded consumer. Each batch goes through camel-pgq's consumer core; its tick is recorded
 * in pgq_node (set_consumer_completed) only after the route succeeded for every change of
 * the batch, and the batch is finished after that. A failed route leaves the batch open: it
 * comes again whole after {@code exceptionSleep}; a batch recorded but not finished (a crash
 * in between) is finished without being sent again.
 */
public class LondisteChangesConsumer extends ScheduledPollConsumer implements ShutdownAware, HeldConnections {

    private static final Logger LOG = LoggerFactory.getLogger(LondisteChangesConsumer.class);

    private final ChangesSettings settings;
    private final String label;
    private final TickSignal ticks = new TickSignal();
    private TickListener listener;
    private ChangeMessages messages;
    private BatchProcessor batches;
    private Connection reading;
    private Connection recording;
    private volatile boolean registered;
    private long quietUntil;
    private String lastError;

    public LondisteChangesConsumer(LondisteEndpoint endpoint, Processor processor, ChangesSettings settings) {
        super(endpoint, processor);
        this.settings = settings;
        this.label = settings.consumer() + " on queue " + settings.queue();
    }

    @Override
    protected void doStart() throws Exception {
        try {
            register();
        } catch (SQLException e) {
            if (!ServerErrors.isUnreachable(e)) {
                throw e;
            }
            LOG.warn("londiste changes consumer {}: database unreachable at start ({}); registering on first poll",
                    label, e.getMessage());
        }
        messages = new ChangeMessages(settings.queue(), settings.consumer(), settings.format());
        EventGrouping grouping = settings.batchMode() ? EventGrouping.chunksOf(settings.maxRowsPerExchange())
                : EventGrouping.perEvent();
        batches = new BatchProcessor(
                new QueueBatchReader(settings.queue(), settings.consumer(), BatchWindow.EVERY_TICK, settings.fetchSize()),
                settings.fetchSize(), grouping, this::deliver, new FailBatch(label), this::record, settings.retryDelay(),
                NoopConsumerMetrics.INSTANCE);
        listener = new TickListener(settings.dataSource(), settings.queue(), ticks, "londiste-changes-" + settings.queue());
        listener.start();
        super.doStart();
        LOG.info("londiste changes consumer {} started ({}, body {})", label,
                settings.batchMode() ? "batch mode" : "change per exchange", settings.format());
    }

    private void register() throws SQLException {
        try (Connection c = settings.dataSource().getConnection()) {
            CascadedRegistration.ensure(c, settings.queue(), settings.consumer());
        }
        registered = true;
    }

    @Override
    protected int poll() throws Exception {
        long quiet = quietUntil - System.nanoTime();
        if (quiet > 0) {
            // after a failure: wait in small steps, so a stop is not held up
            Thread.sleep(Math.max(1, Math.min(quiet / 1_000_000, 100)));
            return 0;
        }
        try {
            if (!registered) {
                register();
            }
            int events = batches.processNext(reading());
            if (events < 0 && isRunAllowed()) {
                if (ticks.await(settings.idleWait().toMillis()) && isRunAllowed()) {
                    events = batches.processNext(reading());
                }
            }
            if (lastError != null) {
                LOG.info("londiste changes consumer {}: working again", label);
                lastError = null;
            }
            return Math.max(events, 0);
        } catch (Exception e) {
            failed(e);
            return 0;
        }
    }

    /** One line per new kind of trouble; the batch in hand stays open and comes again after the pause. */
    private void failed(Exception e) {
        if (e instanceof SQLException || ServerErrors.isUnreachable(e)) {
            closeConnections();
        }
        if (!isRunAllowed()) {
            LOG.info("londiste changes consumer {}: stopped during a batch, it is left open for the next start", label);
            return;
        }
        String why = e instanceof PgqBatchFailedException && e.getCause() != null
                ? "a change failed (" + e.getCause().getMessage() + "); the batch stays open and comes again whole"
                : String.valueOf(e.getMessage());
        if (!why.equals(lastError)) {
            if (ServerErrors.isUnreachable(e)) {
                LOG.warn("londiste changes consumer {}: lost the database ({}); retrying in {} ms", label, why,
                        settings.retryDelay().toMillis());
            } else {
                LOG.error("londiste changes consumer {}: {}; retrying in {} ms", label, why,
                        settings.retryDelay().toMillis());
            }
        }
        lastError = why;
        quietUntil = System.nanoTime() + settings.retryDelay().toNanos();
    }

    /** The batch's record in pgq_node, committed once the route took every change of it. */
    private TargetTransaction record(BatchInfo batch) throws SQLException {
        Connection c = recording();
        return CascadedBatch.begin(c, settings.queue(), settings.consumer(), batch, completedTick(c), () -> { });
    }

    private long completedTick(Connection c) throws SQLException {
        Long tick = CascadedRegistration.completedTickOf(c, settings.queue(),
                settings.consumer());
        if (tick == null) {
            registered = false;
            throw new LondisteException("consumer " + label + " is not registered in pgq_node any more;"
                                        + " registering it again");
        }
        return tick;
    }

    /** Routes the table changes among {@code events}; null when they went through or there were none. */
    private Exception deliver(BatchInfo batch, List<PgqEvent> events) throws Exception {
        if (!isRunAllowed()) {
            throw new IllegalStateException("londiste changes consumer " + label + " is stopping; batch "
                                            + batch.batchId() + " is left for redelivery");
        }
        List<TableChange> changes = new ArrayList<>(events.size());
        for (PgqEvent ev : events) {
            TableChange change;
            try {
                change = ChangeDecoder.decode(ev);
            } catch (IllegalArgumentException e) {
                return e;
            }
            if (change != null && settings.tables().accepts(change.table())) {
                changes.add(change);
            }
        }
        if (changes.isEmpty()) {
            return null;
        }
        Exchange exchange = createExchange(false);
        try {
            if (settings.batchMode()) {
                messages.fillBatch(exchange.getIn(), batch, changes);
            } else {
                messages.fillRow(exchange.getIn(), batch, changes.get(0));
            }
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Exception failure = exchange.getException();
            if (failure != null && !isRunAllowed()) {
                throw new IllegalStateException("londiste changes consumer " + label + " stopped during batch "
                                                + batch.batchId() + "; it is left for redelivery", failure);
            }
            return failure;
        } finally {
            releaseExchange(exchange, false);
        }
    }

    /** The batch reader's connection, the recorder's and the tick listener's. */
    @Override
    public Map<DataSource, Integer> heldConnections() {
        return Map.of(settings.dataSource(), 3);
    }

    private Connection reading() throws SQLException {
        if (reading == null || reading.isClosed()) {
            reading = settings.dataSource().getConnection();
            reading.setAutoCommit(true);
        }
        return reading;
    }

    private Connection recording() throws SQLException {
        if (recording == null || recording.isClosed()) {
            recording = settings.dataSource().getConnection();
            recording.setAutoCommit(true);
        }
        return recording;
    }

    private void closeConnections() {
        for (Connection c : new Connection[] {reading, recording}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    LOG.debug("closing a broken connection: {}", e.getMessage());
                }
            }
        }
        reading = null;
        recording = null;
    }

    @Override
    protected void doStop() throws Exception {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        ticks.signal();
        super.doStop();
        closeConnections();
        LOG.info("londiste changes consumer {} stopped", label);
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        BatchProcessor b = batches;
        return b == null ? 0 : b.pending();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // a forced stop leaves the batch open for redelivery
    }
}
