package io.camelskytools.londiste.handler;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.camelskytools.pgq.client.PgqEvent;

/**
 * What a table's changes do on a node, as londiste3's handlers: the default applies them to
 * the table; others ignore them, hand them to a function, forward them to another queue, or
 * write them in bulk. One instance per table and worker; a batch is
 * {@link #process} for each of the table's events, then {@link #finishBatch}, all in the
 * batch's transaction. Add your own through {@link HandlerFactory} (java.util.ServiceLoader).
 */
public interface LondisteHandler {

    /** At add-table: trigger args this handler needs (e.g. {@code virtual_table}, {@code tgflags=BI}). */
    default void addTriggerArgs(List<String> triggerArgs) {
    }

    /** Whether the table must exist here and be copied. */
    default boolean needsTable() {
        return true;
    }

    /** An SQL condition the copy applies to the provider's rows, or null; {@code target} is this node. */
    default String copyCondition(Connection target) throws SQLException {
        return null;
    }

    /** One event of the table, in the batch's transaction. */
    void process(PgqEvent event, HandlerContext context) throws SQLException;

    /** The batch in hand was rolled back (it comes again): forget what was kept back for it. */
    default void discard() {
    }

    /** The batch ends: write what was kept back. */
    default void finishBatch(HandlerContext context) throws SQLException {
    }
}
