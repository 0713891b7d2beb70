package io.camelskytools.pgq.consumer;

import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;

/** Exactly-once: the batch is applied whole or not at all, so any failure rolls it back and leaves it open. */
public final class FailBatch implements FailurePolicy {

    private final String who;

    /** {@code who}: "consumer on queue", for the error. */
    public FailBatch(String who) {
        this.who = who;
    }

    @Override
    public void failed(BatchInfo batch, List<PgqEvent> events, Exception failure, List<Long> retries)
            throws PgqBatchFailedException {
        throw new PgqBatchFailedException("pgq consumer " + who + ": event " + events.get(0).id() + " failed; batch "
                                          + batch.batchId() + " is rolled back in the target and stays open", failure);
    }
}
