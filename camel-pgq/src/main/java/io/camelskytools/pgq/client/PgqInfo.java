package io.camelskytools.pgq.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.QueryRows;

/**
 * What PgQ says about its queues, consumers and open batches (pgq.get_queue_info,
 * get_consumer_info, get_batch_info): typed for code that computes with the figures, as
 * rows of every column for output that shows them. The one place these functions are called.
 */
public final class PgqInfo {

    private static final String QUEUE_COLUMNS = "select queue_name, queue_ntables, queue_cur_table, queue_external_ticker,"
            + " queue_ticker_paused, extract(epoch from ticker_lag)::float8, ev_per_sec, coalesce(ev_new, 0), last_tick_id";
    private static final String CONSUMERS = "select queue_name, consumer_name, extract(epoch from lag)::float8,"
            + " extract(epoch from last_seen)::float8, last_tick, current_batch, next_tick, coalesce(pending_events, 0)"
            + " from pgq.get_consumer_info(?, ?)";

    private PgqInfo() {
    }

    /** Every queue (queue null) or the one named, ordered by name. */
    public static List<QueueInfo> queues(Connection c, String queue) throws SQLException {
        List<QueueInfo> out = new ArrayList<>();
        // one queue through PgQ's one-queue form: no figures computed for the others
        String sql = QUEUE_COLUMNS + (queue == null ? " from pgq.get_queue_info()" : " from pgq.get_queue_info(?)");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (queue != null) {
                ps.setString(1, queue);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double evPerSec = rs.getDouble(7);
                    Double eps = rs.wasNull() ? null : evPerSec;
                    out.add(new QueueInfo(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4), rs.getBoolean(5),
                            seconds(rs.getDouble(6)), eps, rs.getLong(8), rs.getLong(9)));
                }
            }
        }
        return out;
    }

    /** The consumers of a queue (null: of every queue), or the one named (consumer not null). */
    public static List<ConsumerInfo> consumers(Connection c, String queue, String consumer) throws SQLException {
        List<ConsumerInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CONSUMERS)) {
            ps.setString(1, queue);
            ps.setString(2, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ConsumerInfo(rs.getString(1), rs.getString(2), seconds(rs.getDouble(3)),
                            seconds(rs.getDouble(4)), nullableLong(rs, 5), nullableLong(rs, 6), nullableLong(rs, 7),
                            rs.getLong(8)));
                }
            }
        }
        return out;
    }

    /** Whether the consumer is registered on the queue. */
    public static boolean isRegistered(Connection c, String queue, String consumer) throws SQLException {
        return !consumers(c, queue, consumer).isEmpty();
    }

    /** Every column of pgq.get_queue_info() for all queues (queue null) or one. */
    public static List<Map<String, Object>> queueRows(Connection c, String queue) throws SQLException {
        return queue == null ? QueryRows.list(c, "select * from pgq.get_queue_info()")
                : QueryRows.list(c, "select * from pgq.get_queue_info(?)", queue);
    }

    /** Every column of pgq.get_consumer_info(queue, consumer); null means all. */
    public static List<Map<String, Object>> consumerRows(Connection c, String queue, String consumer) throws SQLException {
        return QueryRows.list(c, "select * from pgq.get_consumer_info(?, ?)", queue, consumer);
    }

    /**
     * Open batches (taken, not finished) of a queue's consumers (queue null: all queues): the
     * ticks they span, the end tick's time and age, and at most how many events they hold
     * (event ids, so rolled-back inserts count too).
     */
    public static List<Map<String, Object>> openBatchRows(Connection c, String queue) throws SQLException {
        return QueryRows.list(c, "select c.queue_name, c.consumer_name, c.current_batch as batch_id,"
                + " b.prev_tick_id, b.tick_id, b.batch_end as tick_time, b.lag,"
                + " b.seq_end - b.seq_start as events_at_most"
                + " from pgq.get_consumer_info(?, null) c cross join lateral pgq.get_batch_info(c.current_batch) b"
                + " where c.current_batch is not null order by 1, 2", queue);
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
