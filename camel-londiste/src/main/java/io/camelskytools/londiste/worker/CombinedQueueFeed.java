package io.camelskytools.londiste.worker;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.apply.CopyText;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.pgq.client.NewEvent;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqEvent;
import org.postgresql.PGConnection;

/**
 * What a merge-leaf writes into the combined queue of its database, in the transaction of
 * the partition's batch: the batch's events except the cascade's own (pgq.*), with fresh ids
 * of the combined queue but their own times, and at the end the {@code pgq.tick-id} event
 * (the partition's tick, the partition queue's name in extra1) that londiste3 writes there.
 */
final class CombinedQueueFeed {

    /** The hand-over event: a combined branch moves the merge-leaf's position to its tick. */
    static final String TICK_ID = "pgq.tick-id";

    private CombinedQueueFeed() {
    }

    /** Copies {@code events} (one chunk of the batch) into {@code combinedQueue}. */
    static void copy(Connection target, String combinedQueue, List<PgqEvent> events) throws SQLException {
        List<PgqEvent> copied = new ArrayList<>(events.size());
        for (PgqEvent ev : events) {
            if (ev.type() == null || !ev.type().startsWith("pgq.")) {
                copied.add(ev);
            }
        }
        if (copied.isEmpty()) {
            return;
        }
        String table = null;
        try (PreparedStatement ps = target.prepareStatement(
                "select pgq.current_event_table(queue_name) from pgq.queue where queue_name = ?")) {
            ps.setString(1, combinedQueue);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    table = rs.getString(1);
                }
            }
        }
        if (table == null) {
            throw new LondisteException(404, "combined queue " + combinedQueue + " does not exist in this database");
        }
        StringBuilder data = new StringBuilder(copied.size() * 64);
        for (PgqEvent e : copied) {
            // ev_id from the queue's own sequence (the column default), ev_txid this transaction
            data.append(e.time()).append('\t');
            CopyText.field(data, e.type()).append('\t');
            CopyText.field(data, e.data()).append('\t');
            CopyText.field(data, e.extra1()).append('\t');
            CopyText.field(data, e.extra2()).append('\t');
            CopyText.field(data, e.extra3()).append('\t');
            CopyText.field(data, e.extra4()).append('\n');
        }
        try {
            target.unwrap(PGConnection.class).getCopyAPI().copyIn("copy " + SqlNames.quoteFqName(table)
                    + " (ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4) from stdin",
                    new StringReader(data.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** The {@code pgq.tick-id} event closing the partition batch that ended at {@code tick}. */
    static void tickId(Connection target, String combinedQueue, String partQueue, long tick) throws SQLException {
        PgqClient.insertEvent(target, combinedQueue, new NewEvent(TICK_ID, Long.toString(tick), partQueue, null, null,
                null));
    }
}
