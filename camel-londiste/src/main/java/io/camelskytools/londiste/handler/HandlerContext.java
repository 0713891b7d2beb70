package io.camelskytools.londiste.handler;

import java.sql.Connection;
import java.time.OffsetDateTime;

import io.camelskytools.londiste.apply.RowWriter;

/**
 * Where a handler writes: the node's connection (in the batch's transaction), the batched
 * row writer on it, the table's local name, and the batch's tick and its time (the batch end).
 */
public record HandlerContext(Connection target, RowWriter writer, String queue, String table, String destination,
                             long tickId, OffsetDateTime batchEnd) {
}
