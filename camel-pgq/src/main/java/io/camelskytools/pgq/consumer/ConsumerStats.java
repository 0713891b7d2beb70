package io.camelskytools.pgq.consumer;

import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicLong;

/** Running totals of one consumer (what JMX shows), passing every report on to {@code next}. */
public final class ConsumerStats implements ConsumerMetrics {

    private final ConsumerMetrics next;
    private final AtomicLong eventsConsumed = new AtomicLong();
    private final AtomicLong batchesFinished = new AtomicLong();
    private final AtomicLong eventsRetried = new AtomicLong();
    private final AtomicLong eventsDeadLettered = new AtomicLong();
    private volatile long lastBatchMillis;
    private volatile long lastBatchId;

    public ConsumerStats(ConsumerMetrics next) {
        this.next = next;
    }

    @Override
    public void batchFinished(long batchId, int events, int retried, long nanos, OffsetDateTime tickTime) {
        eventsConsumed.addAndGet(events);
        eventsRetried.addAndGet(retried);
        batchesFinished.incrementAndGet();
        lastBatchId = batchId;
        lastBatchMillis = nanos / 1_000_000;
        next.batchFinished(batchId, events, retried, nanos, tickTime);
    }

    @Override
    public void deadLettered() {
        eventsDeadLettered.incrementAndGet();
        next.deadLettered();
    }

    public long eventsConsumed() {
        return eventsConsumed.get();
    }

    public long batchesFinished() {
        return batchesFinished.get();
    }

    public long eventsRetried() {
        return eventsRetried.get();
    }

    public long eventsDeadLettered() {
        return eventsDeadLettered.get();
    }

    public long lastBatchMillis() {
        return lastBatchMillis;
    }

    public long lastBatchId() {
        return lastBatchId;
    }
}
