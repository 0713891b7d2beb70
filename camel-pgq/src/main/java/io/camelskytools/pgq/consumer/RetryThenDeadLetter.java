package io.camelskytools.pgq.consumer;

import java.time.Duration;
import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once: a failed event goes to the retry queue until it has been retried
 * {@code maxRetries} times, then to the dead letters; without dead letters it fails its batch.
 */
public final class RetryThenDeadLetter implements FailurePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RetryThenDeadLetter.class);

    private final String who;
    private final int maxRetries;
    private final Duration retryDelay;
    private final DeadLetters deadLetters;
    private final ConsumerMetrics metrics;

    /** {@code who}: "consumer on queue", for logs and errors; {@code deadLetters} may be null. */
    public RetryThenDeadLetter(String who, int maxRetries, Duration retryDelay, DeadLetters deadLetters,
                               ConsumerMetrics metrics) {
        this.who = who;
        this.maxRetries = maxRetries;
        this.retryDelay = retryDelay;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Override
    public void failed(BatchInfo batch, List<PgqEvent> events, Exception failure, List<Long> retries) throws Exception {
        for (PgqEvent event : events) {
            if (event.retry() < maxRetries) {
                retries.add(event.id());
                LOG.warn("pgq consumer {}: event {} failed ({}); retry {} of {} in {}", who, event.id(), failure.toString(),
                        event.retry() + 1, maxRetries, retryDelay);
            } else {
                deadLetter(batch, event, failure);
            }
        }
    }

    private void deadLetter(BatchInfo batch, PgqEvent event, Exception failure) throws Exception {
        if (deadLetters == null) {
            throw new PgqBatchFailedException("pgq consumer " + who + ": event " + event.id() + " failed after "
                    + event.retry() + " retries and no deadLetterUri is set; batch " + batch.batchId() + " stays open",
                    failure);
        }
        try {
            deadLetters.send(batch, event, failure);
        } catch (Exception e) {
            throw new PgqBatchFailedException("pgq consumer " + who + ": event " + event.id() + " could not go to "
                    + deadLetters.describe() + "; batch " + batch.batchId() + " stays open", e);
        }
        metrics.deadLettered();
        LOG.warn("pgq consumer {}: event {} failed {} times ({}); sent to {}", who, event.id(), event.retry() + 1,
                failure.toString(), deadLetters.describe());
    }
}
