package io.camelskytools.pgq.consumer;

import java.sql.SQLException;

/**
 * The transaction of one batch on the database the batch is applied to, for exactly-once:
 * it records the batch together with what the batch wrote, so a batch is applied once even
 * when the consumer crashes between the target's commit and finishing the batch. pgq_ext
 * keys the record by batch id ({@link PgqExtTransaction}); a cascaded consumer records the
 * batch's tick in pgq_node (Londiste).
 */
public interface TargetTransaction extends AutoCloseable {

    /** The target recorded this batch already: finishing it is all that is left. */
    boolean alreadyApplied();

    /**
     * Whether a batch already applied is the normal course here (a merge-leaf whose
     * position its combined branch moves ahead), rather than the sign of a crash: it is then
     * not worth a line in the log.
     */
    default boolean appliedElsewhere() {
        return false;
    }

    /** Records the batch as applied and commits it with everything written in it. */
    void commit() throws SQLException;

    /** Rolls back unless committed, and gives the connection back. */
    @Override
    void close() throws SQLException;
}
