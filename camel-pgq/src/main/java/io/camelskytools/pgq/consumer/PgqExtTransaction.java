package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;

import io.camelskytools.pgq.PgqTargetDataSource;
import io.camelskytools.pgq.client.PgqClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once into a target database: one transaction on the target per batch, bound to
 * the thread through the {@link PgqTargetDataSource} so everything written while the batch is
 * handled joins it, committed together with the record of the batch (pgq_ext). A batch the
 * target has recorded already was applied before a crash and is only finished again.
 */
public final class PgqExtTransaction implements TargetTransaction {

    private static final Logger LOG = LoggerFactory.getLogger(PgqExtTransaction.class);

    private final PgqTargetDataSource target;
    private final Connection tx;
    private final String consumer;
    private final String subconsumer;
    private final long batchId;
    private final boolean alreadyApplied;
    private boolean committed;

    private PgqExtTransaction(PgqTargetDataSource target, Connection tx, String consumer, String subconsumer,
                              long batchId, boolean alreadyApplied) {
        this.target = target;
        this.tx = tx;
        this.consumer = consumer;
        this.subconsumer = subconsumer;
        this.batchId = batchId;
        this.alreadyApplied = alreadyApplied;
    }

    /**
     * Opens the batch's transaction on the target and, unless the batch was applied already,
     * binds it to this thread. {@code subconsumer} is "" for a plain consumer (pgq_ext's key).
     */
    public static PgqExtTransaction begin(PgqTargetDataSource target, String consumer, String subconsumer, long batchId)
            throws SQLException {
        Connection tx = target.target().getConnection();
        try {
            tx.setAutoCommit(false);
            boolean done = PgqClient.isBatchDone(tx, consumer, subconsumer, batchId);
            PgqExtTransaction t = new PgqExtTransaction(target, tx, consumer, subconsumer, batchId, done);
            if (!done) {
                target.bind(tx);
            }
            return t;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(tx);
            throw e;
        }
    }

    @Override
    public boolean alreadyApplied() {
        return alreadyApplied;
    }

    /** Records the batch as applied and commits it with everything written through the target. */
    @Override
    public void commit() throws SQLException {
        target.unbind();
        PgqClient.setBatchDone(tx, consumer, subconsumer, batchId);
        tx.commit();
        committed = true;
    }

    /** Unbinds and, unless committed, rolls back: the batch stays unapplied. */
    @Override
    public void close() {
        target.unbind();
        if (!committed) {
            try {
                tx.rollback();
            } catch (SQLException e) {
                LOG.debug("rolling back batch {} on the target: {}", batchId, e.getMessage());
            }
        }
        closeQuietly(tx);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing the target connection: {}", e.getMessage());
        }
    }
}
