package io.camelskytools.routes.templates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.sql.DataSource;

import io.camelskytools.pgq.client.PgqEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * queue_mover's and queue_splitter's work: the events of a chunk (body {@code List<PgqEvent>})
 * inserted into queues of the target database with their ev_time, type, data and extras as
 * they are (Skytools' bulk insert kept the time too), one statement per destination queue,
 * in the order they came. The connection comes from a PgqTargetDataSource, so the inserts
 * commit with the batch's pgq_ext record.
 */
public final class QueueCopy implements Processor {

    // pgq.insert_event_raw is in Skytools' pgq and ours; a null ev_id takes the queue's next one
    private static final String INSERT = "select pgq.insert_event_raw(?, null, u.tm, null, null, u.t, u.d, u.e1, u.e2,"
                                         + " u.e3, u.e4) from unnest(?::text[]::timestamptz[], ?::text[], ?::text[],"
                                         + " ?::text[], ?::text[], ?::text[], ?::text[])"
                                         + " with ordinality as u(tm, t, d, e1, e2, e3, e4, n) order by u.n";

    private final DataSource target;
    private final Function<PgqEvent, String> destination;

    QueueCopy(DataSource target, Function<PgqEvent, String> destination) {
        this.target = target;
        this.destination = destination;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        List<PgqEvent> events = exchange.getIn().getMandatoryBody(List.class);
        Map<String, List<PgqEvent>> byQueue = new LinkedHashMap<>();
        for (PgqEvent e : events) {
            byQueue.computeIfAbsent(destination.apply(e), q -> new ArrayList<>()).add(e);
        }
        try (Connection c = target.getConnection()) {
            for (Map.Entry<String, List<PgqEvent>> q : byQueue.entrySet()) {
                insert(c, q.getKey(), q.getValue());
            }
        }
    }

    private static void insert(Connection c, String queue, List<PgqEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, queue);
            ps.setArray(2, column(c, events, e -> e.time() == null ? null : e.time().toString()));
            ps.setArray(3, column(c, events, PgqEvent::type));
            ps.setArray(4, column(c, events, PgqEvent::data));
            ps.setArray(5, column(c, events, PgqEvent::extra1));
            ps.setArray(6, column(c, events, PgqEvent::extra2));
            ps.setArray(7, column(c, events, PgqEvent::extra3));
            ps.setArray(8, column(c, events, PgqEvent::extra4));
            ps.executeQuery().close();
        }
    }

    static java.sql.Array column(Connection c, List<PgqEvent> events, Function<PgqEvent, String> field)
            throws SQLException {
        return c.createArrayOf("text", events.stream().map(field).toArray());
    }
}
