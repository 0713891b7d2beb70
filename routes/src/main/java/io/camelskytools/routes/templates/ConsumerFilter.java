package io.camelskytools.routes.templates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.camelskytools.pgq.client.PgqEvent;

/**
 * Skytools' consumer_filter: an SQL condition on the event row (the columns of
 * pgq.get_batch_events: ev_id, ev_time, ev_txid, ev_retry, ev_type, ev_data, ev_extra1 ..
 * ev_extra4), e.g. {@code ev_extra1 = 'public.mytable1'}. The condition is the user's own SQL
 * from their configuration; the server evaluates it over a chunk's events, which are bound
 * as arrays (event data never becomes SQL text).
 */
final class ConsumerFilter {

    // a bare name (table.name, name) is never a condition on the event row: none of its columns is boolean
    private static final String BARE_NAME = "[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?";

    private final String sql;

    private ConsumerFilter(String condition) {
        this.sql = "select u.pgq_position from unnest(?::int8[], ?::text[]::timestamptz[], ?::int8[], ?::int4[],"
                   + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as u(ev_id,"
                   + " ev_time, ev_txid, ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4,"
                   + " pgq_position) where (" + condition + ") order by u.pgq_position";
    }

    /** The filter of a parameter value; refuses a table name, the meaning an earlier version gave it. */
    static ConsumerFilter parse(String param, String condition) {
        try {
            check(condition);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(param + " " + e.getMessage(), e);
        }
        return new ConsumerFilter(condition.trim());
    }

    /** Checks a condition; the message says what is wrong with it, not where it came from. */
    static void check(String condition) {
        String c = condition.trim();
        if (c.isEmpty()) {
            throw new IllegalArgumentException("is empty: it must be an SQL condition on the event");
        }
        if (c.matches(BARE_NAME) && !c.equalsIgnoreCase("true") && !c.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("is an SQL condition on the event (as Skytools' consumer_filter),"
                                               + " not a table name: for the events of table " + c + " write"
                                               + " ev_extra1 = '" + c + "'");
        }
    }

    /** Which events of the chunk pass, by position. */
    boolean[] matches(Connection c, List<PgqEvent> events) throws SQLException {
        boolean[] pass = new boolean[events.size()];
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int8", events.stream().map(PgqEvent::id).toArray()));
            ps.setArray(2, QueueCopy.column(c, events, e -> e.time() == null ? null : e.time().toString()));
            ps.setArray(3, c.createArrayOf("int8", events.stream().map(PgqEvent::txid).toArray()));
            // get_batch_events gives NULL for a first delivery
            ps.setArray(4, c.createArrayOf("int4", events.stream().map(e -> e.retry() == 0 ? null : e.retry()).toArray()));
            ps.setArray(5, QueueCopy.column(c, events, PgqEvent::type));
            ps.setArray(6, QueueCopy.column(c, events, PgqEvent::data));
            ps.setArray(7, QueueCopy.column(c, events, PgqEvent::extra1));
            ps.setArray(8, QueueCopy.column(c, events, PgqEvent::extra2));
            ps.setArray(9, QueueCopy.column(c, events, PgqEvent::extra3));
            ps.setArray(10, QueueCopy.column(c, events, PgqEvent::extra4));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pass[(int) rs.getLong(1) - 1] = true;
                }
            }
        } catch (SQLException e) {
            throw new SQLException("consumer-filter failed on the server: " + e.getMessage(), e.getSQLState(), e);
        }
        return pass;
    }
}
