package io.camelskytools.londiste.handler;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.camelskytools.pgq.client.PgqEvent;

/**
 * {@code qsplitter}: the table's events go, as they are (type, data, extra1..4, time), into
 * another queue of this node at the end of the batch, in its transaction; the table is
 * virtual here (no copy, need not exist).
 */
final class QueueSplitterHandler implements LondisteHandler {

    static final HandlerFactory FACTORY = new HandlerFactory() {
        @Override
        public String name() {
            return "qsplitter";
        }

        @Override
        public String description() {
            return "Queue splitter: the table's events are inserted, as they are, into another queue of this node;"
                   + " the table is virtual here. Arguments: queue=QUEUE (required).";
        }

        @Override
        public LondisteHandler create(String table, Map<String, String> args) {
            Handlers.checkArgs(name(), args, Set.of("queue"));
            String queue = args.get("queue");
            if (queue == null || queue.isBlank()) {
                throw new IllegalArgumentException("specify queue with handler-arg (handler qsplitter of " + table
                                                   + ")");
            }
            return new QueueSplitterHandler(queue);
        }
    };

    private final String queue;
    private final List<PgqEvent> pending = new ArrayList<>();

    private QueueSplitterHandler(String queue) {
        this.queue = queue;
    }

    @Override
    public void addTriggerArgs(List<String> triggerArgs) {
        triggerArgs.add("virtual_table");
    }

    @Override
    public boolean needsTable() {
        return false;
    }

    @Override
    public void process(PgqEvent event, HandlerContext context) {
        pending.add(event);
    }

    @Override
    public void discard() {
        pending.clear();
    }

    @Override
    public void finishBatch(HandlerContext context) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        Connection c = context.target();
        // insert_event_raw with no id keeps each event's time; one statement for the batch
        try (PreparedStatement ps = c.prepareStatement(
                "select pgq.insert_event_raw(?, null, u.tm::timestamptz, null, null, u.t, u.d, u.e1, u.e2, u.e3, u.e4)"
                + " from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
                + " with ordinality as u(tm, t, d, e1, e2, e3, e4, n) order by u.n")) {
            ps.setString(1, queue);
            ps.setArray(2, column(c, e -> e.time() == null ? null : e.time().toString()));
            ps.setArray(3, column(c, PgqEvent::type));
            ps.setArray(4, column(c, PgqEvent::data));
            ps.setArray(5, column(c, PgqEvent::extra1));
            ps.setArray(6, column(c, PgqEvent::extra2));
            ps.setArray(7, column(c, PgqEvent::extra3));
            ps.setArray(8, column(c, PgqEvent::extra4));
            ps.executeQuery().close();
        } finally {
            pending.clear();
        }
    }

    private Array column(Connection c, Function<PgqEvent, String> field) throws SQLException {
        String[] out = new String[pending.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = field.apply(pending.get(i));
        }
        return c.createArrayOf("text", out);
    }
}
