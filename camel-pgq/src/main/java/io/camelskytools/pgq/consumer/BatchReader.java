package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Takes the next batch of one consumer and finishes it. The connection is in autocommit
 * when {@link #next} is called: the batch is committed open at once and comes again after
 * a crash until it is finished.
 */
public interface BatchReader {

    /** The next batch, or null when there is none yet. */
    OpenBatch next(Connection c) throws SQLException;

    /**
     * Puts {@code retries} (event ids) in the retry queue, due after {@code retryDelay}, and
     * finishes the batch, both or neither.
     */
    void finish(Connection c, OpenBatch batch, List<Long> retries, Duration retryDelay) throws SQLException;

    /** The consumer as logs name it. */
    String consumerLabel();
}
