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
 * its pgq_ext record. Events whose ev_extra1 differs from the filter are skipped.
 */
public final class EventStatements implements Processor {

    private final DataSource target;
    private final NamedSql statement;
    private final DataFormat format;
    private final String filter;

    EventStatements(DataSource target, NamedSql statement, DataFormat format, String filter) {
        this.target = target;
        this.statement = statement;
        this.format = format;
        this.filter = filter == null || filter.isEmpty() ? null : filter;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        List<PgqEvent> events = exchange.getIn().getMandatoryBody(List.class);
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(statement.jdbcSql())) {
            for (PgqEvent e : events) {
                if (filter != null && !filter.equals(e.extra1())) {
                    continue;
                }
                statement.bind(ps, EventFields.of(e, format), "event " + e.id());
                ps.execute();
            }
        }
    }
}
