package io.camelskytools.londiste.worker;

import java.sql.Connection;
import java.sql.SQLException;

import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.consumer.TargetTransaction;

/**
 * The transaction of one batch on the target node of a cascaded consumer: what the batch
 * writes commits together with {@code pgq_node.set_consumer_completed(cur_tick)}, so the
 * target always knows the last tick it holds. A batch is applied when it starts where the
 * target stopped, only finished again when the target already holds it (a crash between
 * the two commits), and anything else is a lost position.
 */
public final class CascadedBatch implements TargetTransaction {

    /** Sends what the batch still buffers before the commit. */
    @FunctionalInterface
    public interface BeforeCommit {
        void run() throws SQLException;
    }

    private final Connection target;
    private final String queue;
    private final String consumer;
    private final long tick;
    private final boolean alreadyApplied;
    private boolean elsewhere;
    private final BeforeCommit beforeCommit;
    private boolean committed;

    private CascadedBatch(Connection target, String queue, String consumer, long tick, boolean alreadyApplied,
                          BeforeCommit beforeCommit) {
        this.target = target;
        this.queue = queue;
        this.consumer = consumer;
        this.tick = tick;
        this.alreadyApplied = alreadyApplied;
        this.beforeCommit = beforeCommit;
    }

    /**
     * Checks the batch against {@code completedTick} (the target's last tick of this consumer)
     * and, unless it is there already, opens its transaction on {@code target}.
     */
    public static CascadedBatch begin(Connection target, String queue, String consumer, BatchInfo batch, long completedTick,
                               BeforeCommit beforeCommit) throws SQLException {
        if (batch.curTickId() == completedTick) {
            return new CascadedBatch(target, queue, consumer, batch.curTickId(), true, beforeCommit);
        }
        if (batch.prevTickId() != completedTick) {
            throw new LondisteException("Lost position: consumer " + consumer + " on queue " + queue + " got batch "
                                        + batch.batchId() + " (ticks " + batch.prevTickId() + ".." + batch.curTickId()
                                        + ") but the target holds tick " + completedTick);
        }
        target.setAutoCommit(false);
        return new CascadedBatch(target, queue, consumer, batch.curTickId(), false, beforeCommit);
    }

    /**
     * A batch the target is already past (a merge-leaf whose position its combined branch
     * moves ahead): finished on the provider, nothing applied.
     */
    public static CascadedBatch held(Connection target, String queue, String consumer, BatchInfo batch) {
        CascadedBatch held = new CascadedBatch(target, queue, consumer, batch.curTickId(), true, () -> { });
        held.elsewhere = true;
        return held;
    }

    @Override
    public boolean alreadyApplied() {
        return alreadyApplied;
    }

    @Override
    public boolean appliedElsewhere() {
        return elsewhere;
    }

    @Override
    public void commit() throws SQLException {
        beforeCommit.run();
        NodeClient.setCompleted(target, queue, consumer, tick);
        target.commit();
        committed = true;
    }

    @Override
    public void close() throws SQLException {
        if (alreadyApplied) {
            return;
        }
        if (!committed) {
            target.rollback();
        }
        target.setAutoCommit(true);
    }
}
