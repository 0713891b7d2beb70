package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.camelskytools.pgq.client.PgqClient;

/**
 * Batches of a plain consumer (pgq.next_batch_custom): the batch comes with its first
 * {@code fetchSize} events in the same round trip; a bigger one is streamed afterwards.
 */
public final class QueueBatchReader implements BatchReader {

    private final String queue;
    private final String consumer;
    private final BatchWindow window;
    private final int fetchSize;

    public QueueBatchReader(String queue, String consumer, BatchWindow window, int fetchSize) {
        this.queue = queue;
        this.consumer = consumer;
        this.window = window;
        this.fetchSize = fetchSize;
    }

    @Override
    public OpenBatch next(Connection c) throws SQLException {
        PgqClient.BatchRead read = PgqClient.nextBatchWithEvents(c, queue, consumer, window.minLag(), window.minCount(),
                window.minInterval(), fetchSize);
        return read == null ? null : new OpenBatch(read.batch(), read.events());
    }

    @Override
    public void finish(Connection c, OpenBatch batch, List<Long> retries, Duration retryDelay) throws SQLException {
        PgqClient.finishBatch(c, batch.id(), retries, retryDelay, false);
    }

    @Override
    public String consumerLabel() {
        return consumer;
    }
}
