package io.camelskytools.pgq.consumer;

import java.time.OffsetDateTime;

/** Metrics nobody collects (no Micrometer registry in the application). */
public final class NoopConsumerMetrics implements ConsumerMetrics {

    public static final NoopConsumerMetrics INSTANCE = new NoopConsumerMetrics();

    private NoopConsumerMetrics() {
    }

    @Override
    public void batchFinished(long batchId, int events, int retried, long nanos, OffsetDateTime tickTime) {
        // nobody collects
    }

    @Override
    public void deadLettered() {
        // nobody collects
    }
}
