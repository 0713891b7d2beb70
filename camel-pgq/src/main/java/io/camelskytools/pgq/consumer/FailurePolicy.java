package io.camelskytools.pgq.consumer;

import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;

/** What a failed delivery does: note events for the retry queue, send them on, or fail the batch by throwing. */
public interface FailurePolicy {

    /**
     * Handles {@code events} that failed with {@code failure}; event ids added to
     * {@code retries} go to the retry queue when the batch is finished. Throwing leaves the
     * whole batch open.
     */
    void failed(BatchInfo batch, List<PgqEvent> events, Exception failure, List<Long> retries) throws Exception;
}
