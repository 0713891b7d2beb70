package io.camelskytools.londiste.worker;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.camelskytools.londiste.apply.ExecAttrs;
import io.camelskytools.londiste.apply.LocalObjects;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.node.ResultRow;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.pgq.client.PgqEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of a queue that are not table changes, applied by the main worker in the
 * batch's transaction: the cascade's own (pgq.location-info, pgq.unregister-location,
 * pgq.global-watermark, pgq.tick-id) and Londiste's (add-table, remove-table, update-seq, remove-seq,
 * EXECUTE). Unknown types are left alone, as Skytools' worker does.
 */
final class ControlEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ControlEvents.class);

    private final String queue;
    private final SyncedWatermark synced;

    ControlEvents(String queue, SyncedWatermark synced) {
        this.queue = queue;
        this.synced = synced;
    }

    /** Applies {@code ev} on {@code target} (in the batch's transaction); false when it is of no known type. */
    boolean apply(Connection target, NodeInfo node, PgqEvent ev) throws SQLException {
        String type = ev.type() == null ? "" : ev.type();
        switch (type) {
            case "pgq.location-info" -> NodeClient.registerLocation(target, queue, ev.data(), ev.extra2(),
                    "true".equals(ev.extra3()) || "t".equals(ev.extra3()));
            case "pgq.unregister-location" -> NodeClient.call(target, "pgq_node.unregister_location", queue, ev.data());
            case "pgq.global-watermark" -> {
                if (SyncedWatermark.nodes(node) != null) {
                    // a branch with sync_watermark sets its own from this and its synced nodes'
                    synced.upstream(Long.parseLong(ev.data()));
                } else if (node.isBranch()) {
                    NodeClient.setGlobalWatermark(target, queue, Long.parseLong(ev.data()));
                }
            }
            case CombinedQueueFeed.TICK_ID -> partitionTick(target, node, ev);
            case "londiste.add-table" -> TableClient.globalAddTable(target, queue, ev.data())
                    .orThrow("add table " + ev.data() + " from the queue");
            case "londiste.remove-table" -> {
                ResultRow r = TableClient.globalRemoveTable(target, queue, ev.data());
                if (!r.ok()) {
                    LOG.info("londiste {}: remove-table {}: {} {}", queue, ev.data(), r.code(), r.note());
                }
            }
            case "londiste.update-seq" -> TableClient.globalUpdateSeq(target, queue, ev.extra1(), Long.parseLong(ev.data()))
                    .orThrow("update sequence " + ev.extra1());
            case "londiste.remove-seq" -> TableClient.globalRemoveSeq(target, queue, ev.data());
            case "EXECUTE" -> execute(target, ev);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * pgq.tick-id, written by the merge-leaf of partition queue extra1 into this (combined)
     * queue: on a combined branch the merge-leaf of that partition waits behind, and this
     * moves its position to the tick; elsewhere there is nothing to do.
     */
    private void partitionTick(Connection target, NodeInfo node, PgqEvent ev) throws SQLException {
        if (queue.equals(ev.extra1())) {
            throw new LondisteException("pgq.tick-id event " + ev.id() + " names queue " + queue
                                        + " itself: only a partition queue's merge-leaf writes it");
        }
        if (node.isBranch()) {
            ResultRow r = NodeClient.call(target, "pgq_node.set_partition_watermark", queue, ev.extra1(),
                    Long.parseLong(ev.data()));
            if (r.code() >= 300) {
                // as londiste3: a branch without that merge-leaf just carries the event on
                LOG.info("londiste {}: pgq.tick-id of {}: {} {}", queue, ev.extra1(), r.code(), r.note());
            }
        }
    }

    /**
     * EXECUTE: a script run on the root, run here at the same place in the stream, once per
     * database (londiste.applied_execute), with replication triggers quiet as on the root;
     * its meta attributes decide whether it runs here and which {@code @name@} tags become
     * local table names.
     */
    private void execute(Connection target, PgqEvent ev) throws SQLException {
        String file = ev.extra1();
        NodeClient.call(target, "londiste.set_session_replication_role", "local", true);
        try {
            ResultRow start = NodeClient.call(target, "londiste.execute_start", queue, file, ev.data(), false,
                    ev.extra2()).orThrow("execute " + file);
            if (start.code() > 200) {
                LOG.info("londiste {}: {} was executed here before, skipping", queue, file);
                return;
            }
            ExecAttrs attrs = ExecAttrs.fromUrlenc(ev.extra2());
            LocalObjects local = LocalObjects.read(target, queue);
            if (attrs.needExecute(target, local.tables(), local.seqs())) {
                try (Statement st = target.createStatement()) {
                    st.execute(attrs.processSql(target, ev.data(), local.tables(), local.seqs()));
                }
                LOG.info("londiste {}: executed {}", queue, file);
            } else {
                LOG.info("londiste {}: {} does not need to run on this node", queue, file);
            }
            NodeClient.call(target, "londiste.execute_finish", queue, file).orThrow("finish execute " + file);
        } finally {
            NodeClient.call(target, "londiste.set_session_replication_role", "replica", true);
        }
    }
}
