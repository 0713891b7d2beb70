package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch from taking it to finishing it: read it, hand its events on group by group,
 * let the failure policy deal with failed groups, then (exactly-once: commit the target,)
 * put the failed events in the retry queue and finish the batch in one statement. Anything
 * that stops a batch half-way (an exception, a crash, a lost connection) leaves it open, so
 * it comes again: nothing is lost.
 */
public final class BatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

    private final BatchReader reader;
    private final int fetchSize;
    private final EventGrouping grouping;
    private final EventDelivery delivery;
    private final FailurePolicy failures;
    private final TargetTransactions targets;
    private final Duration retryDelay;
    private final ConsumerMetrics metrics;
    /** Where a streamed batch's next chunk is fetched while this one is handed on; null: no prefetch. */
    private Executor prefetcher;
    /**
     * Events of the batch in hand not handed on yet, at least 1 from asking for a batch until
     * it is finished (a streamed batch's size is not known): what a graceful stop waits for.
     */
    private volatile int pending;

    /** Opens the target transaction of a batch (exactly-once); null for none. */
    @FunctionalInterface
    public interface TargetTransactions {
        TargetTransaction begin(BatchInfo batch) throws SQLException;
    }

    public BatchProcessor(BatchReader reader, int fetchSize, EventGrouping grouping, EventDelivery delivery,
                          FailurePolicy failures, TargetTransactions targets, Duration retryDelay, ConsumerMetrics metrics) {
        this.reader = reader;
        this.fetchSize = fetchSize;
        this.grouping = grouping;
        this.delivery = delivery;
        this.failures = failures;
        this.targets = targets;
        this.retryDelay = retryDelay;
        this.metrics = metrics;
    }

    /**
     * Fetches each streamed batch's next chunk on {@code executor} while the current one is
     * handed on (worth it when handing on waits for another server, as a Londiste worker's
     * target); the executor must not run two fetches of one processor at once.
     */
    public BatchProcessor prefetchOn(Executor executor) {
        this.prefetcher = executor;
        return this;
    }

    /**
     * Processes the next batch on {@code c} (a connection in autocommit, kept for the
     * consumer's batches); the number of events, or -1 when there was no batch.
     */
    public int processNext(Connection c) throws Exception {
        pending = 1;
        try {
            return process(c);
        } finally {
            pending = 0;
        }
    }

    /** Events still to hand on of the batch in hand (at least 1 while there is one), 0 between batches. */
    public int pending() {
        return pending;
    }

    private int process(Connection c) throws Exception {
        long started = System.nanoTime();
        OpenBatch batch = reader.next(c);
        if (batch == null) {
            return -1;
        }
        pending = Math.max(1, batch.isStreamed() ? 0 : batch.events().size());
        List<Long> retries = new ArrayList<>();
        int count;
        try (TargetTransaction target = targets == null ? null : targets.begin(batch.info())) {
            if (target != null && target.alreadyApplied()) {
                if (target.appliedElsewhere()) {
                    LOG.debug("pgq consumer {}: batch {} is past already; finishing it", reader.consumerLabel(), batch.id());
                } else {
                    LOG.info("pgq consumer {}: batch {} was already applied to the target; finishing it",
                            reader.consumerLabel(), batch.id());
                }
                reader.finish(c, batch, List.of(), retryDelay);
                return 0;
            }
            try (BatchEvents events = BatchEvents.open(c, batch, fetchSize, prefetcher)) {
                count = handOn(batch.info(), events, retries);
                if (target != null) {
                    target.commit();
                }
                reader.finish(c, batch, retries, retryDelay);
                events.commit();
            }
        }
        long nanos = System.nanoTime() - started;
        metrics.batchFinished(batch.id(), count, retries.size(), nanos, batch.info().curTickTime());
        if (LOG.isDebugEnabled()) {
            LOG.debug("pgq consumer {}: batch {} (ticks {}..{}) done, {} events, {} to retry, {} ms", reader.consumerLabel(),
                    batch.id(), batch.info().prevTickId(), batch.info().curTickId(), count, retries.size(), nanos / 1_000_000);
        }
        return count;
    }

    private int handOn(BatchInfo batch, BatchEvents events, List<Long> retries) throws Exception {
        int count = 0;
        for (List<PgqEvent> read = events.next(); !read.isEmpty(); read = events.next()) {
            for (List<PgqEvent> group : grouping.split(read)) {
                Exception failure = delivery.deliver(batch, group);
                if (failure != null) {
                    failures.failed(batch, group, failure, retries);
                }
                pending = Math.max(1, pending - group.size());
            }
            count += read.size();
        }
        return count;
    }
}
