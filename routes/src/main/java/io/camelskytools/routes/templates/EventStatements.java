package io.camelskytools.routes.templates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

import javax.sql.DataSource;

import io.camelskytools.pgq.client.PgqEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * simple_consumer's work: for each event of a chunk (a batch-mode exchange, body
 * {@code List<PgqEvent>}), the statement with the event's fields bound. The connection comes
 * from a PgqTargetDataSource, so the statements join the batch's transaction and commit with
 * its pgq_ext record. As in Skytools only row events (ev_type I:, U:, D:) get the statement
 * unless all events are asked for, and only those the consumer filter passes.
 */
public final class EventStatements implements Processor {

    private final DataSource target;
    private final NamedSql statement;
    private final DataFormat format;
    private final boolean rowEventsOnly;
    private final ConsumerFilter filter;

    EventStatements(DataSource target, NamedSql statement, DataFormat format, boolean rowEventsOnly,
                    ConsumerFilter filter) {
        this.target = target;
        this.statement = statement;
        this.format = format;
        this.rowEventsOnly = rowEventsOnly;
        this.filter = filter;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        List<PgqEvent> events = exchange.getIn().getMandatoryBody(List.class);
        try (Connection c = target.getConnection()) {
            boolean[] passed = filter == null ? null : filter.matches(c, events);
            try (PreparedStatement ps = c.prepareStatement(statement.jdbcSql())) {
                for (int i = 0; i < events.size(); i++) {
                    PgqEvent e = events.get(i);
                    if ((rowEventsOnly && !isRowEvent(e)) || (passed != null && !passed[i])) {
                        continue;
                    }
                    statement.bind(ps, EventFields.of(e, format), "event " + e.id());
                    ps.execute();
                }
            }
        }
    }

    /** Skytools' test: a table change written by pgq.logutriga / sqltriga. */
    static boolean isRowEvent(PgqEvent e) {
        String t = e.type();
        return t != null && (t.startsWith("I:") || t.startsWith("U:") || t.startsWith("D:"));
    }
}
