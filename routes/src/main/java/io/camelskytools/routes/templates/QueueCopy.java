package io.camelskytools.routes.templates;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.sql.DataSource;

import io.camelskytools.pgq.client.NewEvent;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * queue_mover's and queue_splitter's work: the events of a chunk (body {@code List<PgqEvent>})
 * inserted into queues of the target database, type, data and extras as they are, one
 * statement per destination queue, in the order they came. The connection comes from a
 * PgqTargetDataSource, so the inserts commit with the batch's pgq_ext record.
 */
public final class QueueCopy implements Processor {

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
        Map<String, List<NewEvent>> byQueue = new LinkedHashMap<>();
        for (PgqEvent e : events) {
            byQueue.computeIfAbsent(destination.apply(e), q -> new ArrayList<>())
                    .add(new NewEvent(e.type(), e.data(), e.extra1(), e.extra2(), e.extra3(), e.extra4()));
        }
        try (Connection c = target.getConnection()) {
            for (Map.Entry<String, List<NewEvent>> q : byQueue.entrySet()) {
                PgqClient.insertEvents(c, q.getKey(), q.getValue());
            }
        }
    }
}
