package io.camelskytools.pgq.client;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.camelskytools.jdbc.SqlNames;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The PgQ SQL calls the component makes, on a connection the caller owns (and whose
 * transaction the caller controls). Works on our schema and on Skytools' PgQ alike.
 * Values are always bound; identifiers that reach SQL text are quoted.
 */
public final class PgqClient {

    private PgqClient() {
    }

    /** pgq_coop: the next batch for a subconsumer (taking over a sibling dead for deadInterval), or null. */
    public static Long nextCoopBatch(Connection c, String queue, String consumer, String subconsumer, Duration minLag,
                                     Integer minCount, Duration minInterval, Duration deadInterval) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select pgq_coop.next_batch_custom(?, ?, ?, ?::interval, ?, ?::interval, ?::interval)")) {
            ps.setString(1, queue);
            ps.setString(2, consumer);
            ps.setString(3, subconsumer);
            ps.setString(4, interval(minLag));
            ps.setObject(5, minCount);
            ps.setString(6, interval(minInterval));
            ps.setString(7, interval(deadInterval));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long batch = rs.getLong(1);
                return rs.wasNull() ? null : batch;
            }
        }
    }

    public static int registerSubconsumer(Connection c, String queue, String consumer, String subconsumer)
            throws SQLException {
        return intCall(c, "select pgq_coop.register_subconsumer(?, ?, ?)", queue, consumer, subconsumer);
    }

    /** pgq_ext in the target database: has this consumer already applied the batch? */
    public static boolean isBatchDone(Connection target, String consumer, String subconsumer, long batchId)
            throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("select pgq_ext.is_batch_done(?, ?, ?)")) {
            ps.setString(1, consumer);
            ps.setString(2, subconsumer);
            ps.setLong(3, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public static void setBatchDone(Connection target, String consumer, String subconsumer, long batchId)
            throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("select pgq_ext.set_batch_done(?, ?, ?)")) {
            ps.setString(1, consumer);
            ps.setString(2, subconsumer);
            ps.setLong(3, batchId);
            ps.executeQuery().close();
        }
    }

    /** A batch and, when it has at most {@code limit} events, all of them (else null: read it through a cursor). */
    public record BatchRead(BatchInfo batch, List<PgqEvent> events) {
    }

    /**
     * The next batch and its first events in one round trip, committed at once (autocommit):
     * the batch stays open until finished, and comes again after a crash. Null when there is
     * no batch. {@link BatchRead#events()} is null when the batch has more than {@code limit}
     * events.
     */
    public static BatchRead nextBatchWithEvents(Connection c, String queue, String consumer, Duration minLag,
                                                Integer minCount, Duration minInterval, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select nb.batch_id, nb.prev_tick_id, nb.cur_tick_id, nb.prev_tick_time, nb.cur_tick_time, e.*"
                + " from pgq.next_batch_custom(?, ?, ?::interval, ?, ?::interval) nb"
                + " left join lateral (select * from pgq.get_batch_events(nb.batch_id)"
                + " where nb.batch_id is not null limit ?) e on true")) {
            ps.setString(1, queue);
            ps.setString(2, consumer);
            ps.setString(3, interval(minLag));
            ps.setObject(4, minCount);
            ps.setString(5, interval(minInterval));
            ps.setInt(6, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                if (rs.wasNull()) {
                    return null;
                }
                BatchInfo batch = new BatchInfo(id, rs.getLong(2), rs.getLong(3), rs.getObject(4, OffsetDateTime.class),
                        rs.getObject(5, OffsetDateTime.class));
                List<PgqEvent> events = new ArrayList<>();
                do {
                    rs.getLong(6);
                    if (!rs.wasNull()) {
                        events.add(EventCursor.read(rs, 5));
                    }
                } while (rs.next());
                return new BatchRead(batch, events.size() > limit ? null : events);
            }
        }
    }

    /**
     * Puts the failed events back (pgq.event_retry, due after {@code delay}) and finishes the
     * batch, in one statement: both happen, or neither.
     */
    public static void finishBatch(Connection c, long batchId, List<Long> retries, Duration delay, boolean coop)
            throws SQLException {
        String finish = coop ? "pgq_coop.finish_batch" : "pgq.finish_batch";
        if (retries.isEmpty()) {
            intCall(c, "select " + finish + "(?)", batchId);
            return;
        }
        // the subquery runs first: the retries need the batch still open
        try (PreparedStatement ps = c.prepareStatement("select " + finish + "(?) from (select count(pgq.event_retry(?, id,"
                + " now() + ?::interval)) from unnest(?::bigint[]) id) r")) {
            ps.setLong(1, batchId);
            ps.setLong(2, batchId);
            ps.setString(3, interval(delay));
            ps.setArray(4, c.createArrayOf("bigint", retries.toArray()));
            ps.executeQuery().close();
        }
    }

    /** register_consumer, or register_consumer_at when a tick is given. 1 if new, 0 if it was registered. */
    public static int registerConsumer(Connection c, String queue, String consumer, Long tick) throws SQLException {
        if (tick == null) {
            return intCall(c, "select pgq.register_consumer(?, ?)", queue, consumer);
        }
        return intCall(c, "select pgq.register_consumer_at(?, ?, ?)", queue, consumer, tick);
    }

    public static int unregisterConsumer(Connection c, String queue, String consumer) throws SQLException {
        return intCall(c, "select pgq.unregister_consumer(?, ?)", queue, consumer);
    }

    public static int createQueue(Connection c, String queue) throws SQLException {
        return intCall(c, "select pgq.create_queue(?)", queue);
    }

    public static int dropQueue(Connection c, String queue, boolean force) throws SQLException {
        return intCall(c, "select pgq.drop_queue(?, ?)", queue, force);
    }

    public static void setQueueConfig(Connection c, String queue, String param, String value) throws SQLException {
        intCall(c, "select pgq.set_queue_config(?, ?, ?)", queue, param, value);
    }

    /** pgq.ticker() for all queues: how many got a tick. */
    public static long ticker(Connection c) throws SQLException {
        return longCall(c, "select pgq.ticker()");
    }

    /** Asks for a tick (force_tick) and makes it; returns the latest tick id afterwards. */
    public static long forceTick(Connection c, String queue) throws SQLException {
        longCall(c, "select pgq.force_tick(?)", queue);
        longCall(c, "select pgq.ticker()");
        return PgqInfo.queues(c, queue).get(0).lastTickId();
    }

    /** Moves due retry events back into their queues until none is left; how many moved. */
    public static long retryEvents(Connection c) throws SQLException {
        long total = 0;
        long moved;
        do {
            moved = longCall(c, "select pgq.maint_retry_events()");
            total += moved;
        } while (moved > 0);
        return total;
    }

    /**
     * One maintenance round: every operation pgq.maint_operations() lists, each in its own
     * transaction (autocommit), repeated while it returns non-zero. Returns the number of
     * statements run. The connection must be in autocommit mode.
     */
    public static int maintenance(Connection c) throws SQLException {
        List<String[]> ops = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select func_name, func_arg from pgq.maint_operations()")) {
            while (rs.next()) {
                ops.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        int steps = 0;
        for (String[] op : ops) {
            String fn = op[0];
            if (fn.equalsIgnoreCase("vacuum") || fn.equalsIgnoreCase("vacuum analyze")) {
                try (Statement st = c.createStatement()) {
                    st.execute(fn + " " + SqlNames.quoteFqName(op[1]));
                }
                steps++;
                continue;
            }
            String call = "select " + SqlNames.quoteFqName(fn) + (op[1] == null ? "()" : "(?)");
            while (true) {
                steps++;
                long again = op[1] == null ? longCall(c, call) : longCall(c, call, op[1]);
                if (again == 0) {
                    break;
                }
            }
        }
        return steps;
    }

    public static long insertEvent(Connection c, String queue, NewEvent e) throws SQLException {
        return longCall(c, "select pgq.insert_event(?, ?, ?, ?, ?, ?, ?)", queue, e.type(), e.data(), e.extra1(),
                e.extra2(), e.extra3(), e.extra4());
    }

    /** Inserts many events with one statement (one round trip); returns their ids in order. */
    public static List<Long> insertEvents(Connection c, String queue, List<NewEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select pgq.insert_event(?, u.t, u.d, u.e1, u.e2, u.e3, u.e4)"
                + " from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
                + " with ordinality as u(t, d, e1, e2, e3, e4, n) order by u.n")) {
            ps.setString(1, queue);
            ps.setArray(2, column(c, events, NewEvent::type));
            ps.setArray(3, column(c, events, NewEvent::data));
            ps.setArray(4, column(c, events, NewEvent::extra1));
            ps.setArray(5, column(c, events, NewEvent::extra2));
            ps.setArray(6, column(c, events, NewEvent::extra3));
            ps.setArray(7, column(c, events, NewEvent::extra4));
            List<Long> ids = new ArrayList<>(events.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    /**
     * Inserts many events with COPY straight into pgq.current_event_table(queue), the way
     * Skytools' bulk_insert_events does. Must run inside a transaction (the current table
     * is only valid in it); needs INSERT on the event tables and USAGE on the queue's
     * event sequence (pgq_admin, or the owner). Returns the ids in order.
     */
    public static List<Long> copyEvents(Connection c, String queue, List<NewEvent> events) throws SQLException {
        // the current table and the ids in one round trip
        String table = null;
        List<Long> ids = new ArrayList<>(events.size());
        try (PreparedStatement ps = c.prepareStatement(
                "with q as (select pgq.current_event_table(queue_name) as t, queue_event_seq::regclass as s"
                + " from pgq.queue where queue_name = ?)"
                + " select q.t, array(select nextval(q.s) from generate_series(1, ?)) from q")) {
            ps.setString(1, queue);
            ps.setInt(2, events.size());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    table = rs.getString(1);
                    for (Long id : (Long[]) rs.getArray(2).getArray()) {
                        ids.add(id);
                    }
                }
            }
        }
        if (table == null) {
            throw new SQLException("No such queue: " + queue);
        }
        StringBuilder data = new StringBuilder(events.size() * 64);
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            data.append(ids.get(i)).append("\tnow\t");
            copyField(data, e.type()).append('\t');
            copyField(data, e.data()).append('\t');
            copyField(data, e.extra1()).append('\t');
            copyField(data, e.extra2()).append('\t');
            copyField(data, e.extra3()).append('\t');
            copyField(data, e.extra4()).append('\n');
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        try {
            copy.copyIn("copy " + SqlNames.quoteFqName(table)
                    + " (ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4) from stdin",
                    new StringReader(data.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * A cascade branch's copy of its provider's events: into the queue's current table with
     * their own ids and times (the branch holds the very same events), in the caller's
     * transaction. Needs {@code session_replication_role = replica} on a branch, whose queue
     * refuses ordinary inserts.
     */
    public static void copyEventsAsTheyAre(Connection c, String queue, List<PgqEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        String table;
        try (PreparedStatement ps = c.prepareStatement("select pgq.current_event_table(?)")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                table = rs.getString(1);
            }
        }
        StringBuilder data = new StringBuilder(events.size() * 64);
        for (PgqEvent e : events) {
            data.append(e.id()).append('\t').append(e.time()).append('\t');
            copyField(data, e.type()).append('\t');
            copyField(data, e.data()).append('\t');
            copyField(data, e.extra1()).append('\t');
            copyField(data, e.extra2()).append('\t');
            copyField(data, e.extra3()).append('\t');
            copyField(data, e.extra4()).append('\n');
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        try {
            copy.copyIn("copy " + SqlNames.quoteFqName(table)
                    + " (ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4) from stdin",
                    new StringReader(data.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** A tick made by hand on a queue with an external ticker (a branch copying its provider's ticks). */
    public static void externalTick(Connection c, String queue, long tickId, java.time.OffsetDateTime time,
                                    long eventSeq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pgq.ticker(?, ?, ?, ?)")) {
            ps.setString(1, queue);
            ps.setLong(2, tickId);
            ps.setObject(3, time);
            ps.setLong(4, eventSeq);
            ps.executeQuery().close();
        }
    }

    static String interval(Duration d) {
        return d == null ? null : d.toMillis() + " milliseconds";
    }

    private static StringBuilder copyField(StringBuilder out, String v) {
        if (v == null) {
            return out.append("\\N");
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }

    private static Array column(Connection c, List<NewEvent> events, Function<NewEvent, String> f)
            throws SQLException {
        String[] values = new String[events.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = f.apply(events.get(i));
        }
        return c.createArrayOf("text", values);
    }

    private static int intCall(Connection c, String sql, Object... args) throws SQLException {
        return (int) longCall(c, sql, args);
    }

    private static long longCall(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }
}
