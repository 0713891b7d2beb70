package io.camelskytools.runtime.bench;

/**
 * One way of replicating pgbench's tables from a root database to a leaf database, as the
 * Londiste benchmark drives it: set up, copy the tables to the leaf, stop and start applying.
 */
interface ReplicationContender extends AutoCloseable {

    /** How the figures name it. */
    String name();

    /** The database it replicates from. */
    BenchNode root();

    /** The database it replicates to. */
    BenchNode leaf();

    /** Makes the root publish its pgbench tables and the leaf a subscriber with none of them yet. */
    void setUp() throws Exception;

    /** Starts the initial copy of every table (the worker applying beside it); returns at once. */
    void startCopy() throws Exception;

    /** True once every table is copied and replicating. */
    boolean copied() throws Exception;

    /** Stops applying; what the root writes meanwhile waits on the root. */
    void stopApplying() throws Exception;

    /** Starts applying again; returns at once. */
    void startApplying() throws Exception;

    /** Stops everything it started (its databases are dropped by the benchmark). */
    @Override
    void close() throws Exception;
}
