package io.camelskytools.pgq.consumer;

import java.time.OffsetDateTime;

/** What a consumer reports as it goes; {@link NoopConsumerMetrics} when nobody collects. */
public interface ConsumerMetrics {

    /**
     * A batch was finished: {@code events} handled, {@code retried} of them put in the retry
     * queue, in {@code nanos}; {@code tickTime} is the time of its end tick (null when unknown).
     */
    void batchFinished(long batchId, int events, int retried, long nanos, OffsetDateTime tickTime);

    /** An event went to the dead letters. */
    void deadLettered();
}
