package io.camelskytools.londiste.interop;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.Sql;

/**
 * One queue's ticks and events on one node, in the form that must be the same on every node
 * of a cascade: a branch copies the root's events with their ids and re-creates its ticks
 * with the root's tick ids and times. Left out: transaction ids and snapshots (each node's
 * own) and a tick's event sequence position, which on a branch is only the highest event id
 * copied (as in Skytools).
 */
final class QueueHistory {

    private final Sql node;
    private final String queue;

    QueueHistory(Sql node, String queue) {
        this.node = node;
        this.queue = queue;
    }

    /** The newest tick of the queue here. */
    long lastTick() throws SQLException {
        return node.longValue("select coalesce(max(t.tick_id), 0) from pgq.tick t join pgq.queue q"
                              + " on q.queue_id = t.tick_queue where q.queue_name = ?", queue);
    }

    /** The position of the queue's event sequence that tick {@code tick} recorded. */
    long eventSeqAt(long tick) throws SQLException {
        return node.longValue("select t.tick_event_seq from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                              + " where q.queue_name = ? and t.tick_id = ?", queue, tick);
    }

    /** Ticks after {@code after} up to {@code upTo}: id and time. */
    List<Map<String, Object>> ticks(long after, long upTo) throws SQLException {
        return node.rows("select t.tick_id, extract(epoch from t.tick_time) as tick_time"
                         + " from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                         + " where q.queue_name = ? and t.tick_id > ? and t.tick_id <= ? order by t.tick_id",
                queue, after, upTo);
    }

    /** Events with ids in (after, upTo], every field but the transaction id. */
    List<Map<String, Object>> events(long after, long upTo) throws SQLException {
        String table = (String) node.value("select quote_ident(split_part(queue_data_pfx, '.', 1)) || '.'"
                                           + " || quote_ident(split_part(queue_data_pfx, '.', 2))"
                                           + " from pgq.queue where queue_name = ?", queue);
        return node.rows("select ev_id, extract(epoch from ev_time) as ev_time, ev_type, ev_data, ev_extra1,"
                         + " ev_extra2, ev_extra3, ev_extra4 from " + table
                         + " where ev_id > ? and ev_id <= ? order by ev_id", after, upTo);
    }
}
