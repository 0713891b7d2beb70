package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqClient;

/**
 * Batches of one pgq_coop subconsumer: whole batches of the shared consumer, a sibling's
 * open batch taken over once it has been silent for {@code deadInterval}. Events are always
 * streamed.
 */
public final class CoopBatchReader implements BatchReader {

    private final String queue;
    private final String consumer;
    private final String subconsumer;
    private final BatchWindow window;
    private final Duration deadInterval;

    public CoopBatchReader(String queue, String consumer, String subconsumer, BatchWindow window, Duration deadInterval) {
        this.queue = queue;
        this.consumer = consumer;
        this.subconsumer = subconsumer;
        this.window = window;
        this.deadInterval = deadInterval;
    }

    @Override
    public OpenBatch next(Connection c) throws SQLException {
        Long id = PgqClient.nextCoopBatch(c, queue, consumer, subconsumer, window.minLag(), window.minCount(),
                window.minInterval(), deadInterval);
        // pgq_coop hands out no tick details; logs show the batch id
        return id == null ? null : new OpenBatch(new BatchInfo(id, 0, 0, null, null), null);
    }

    @Override
    public void finish(Connection c, OpenBatch batch, List<Long> retries, Duration retryDelay) throws SQLException {
        PgqClient.finishBatch(c, batch.id(), retries, retryDelay, true);
    }

    @Override
    public String consumerLabel() {
        return consumer + "." + subconsumer;
    }
}
