package io.camelskytools.pgq.consumer;

import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * A batch taken from the queue (and left open until finished). {@code events} holds all of
 * its events when they came with the batch; null means the batch is bigger and is streamed.
 */
public record OpenBatch(BatchInfo info, List<PgqEvent> events) {

    public long id() {
        return info.batchId();
    }

    public boolean isStreamed() {
        return events == null;
    }
}
