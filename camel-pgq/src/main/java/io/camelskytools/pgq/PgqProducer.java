package io.camelskytools.pgq;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.client.NewEvent;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqInfo;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/** Inserts events (one per message, or one per element of a List body), or runs an admin operation. */
public class PgqProducer extends DefaultProducer {

    private final PgqEndpoint endpoint;
    private final PgqConfiguration config;
    private ProducerMetrics metrics = ProducerMetrics.NONE;

    public PgqProducer(PgqEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
    }

    /** False while the database was unreachable at start: checked on the first message. */
    private volatile boolean schemaChecked;

    @Override
    protected void doStart() throws Exception {
        schemaChecked = endpoint.checkSchemaIfReachable("pgq producer (" + config.getOperation() + ") on "
                                                       + endpoint.getQueueName());
        metrics = Meters.producer(endpoint.getCamelContext(), endpoint.getQueueName());
        super.doStart();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        PgqOperation op = in.getHeader(PgqConstants.OPERATION, config.getOperation(), PgqOperation.class);
        String override = in.removeHeader(PgqConstants.OVERRIDE_QUEUE) instanceof String o ? o : null;
        String queue = override != null ? override : endpoint.getQueueName();
        if (!schemaChecked) {
            endpoint.checkSchema();
            schemaChecked = true;
        }
        try (Connection c = endpoint.getDataSource().getConnection()) {
            c.setAutoCommit(true);
            switch (op) {
                case insert -> insert(exchange, c, queue);
                case createQueue -> in.setBody(PgqClient.createQueue(c, queue));
                case dropQueue -> in.setBody(PgqClient.dropQueue(c, queue, config.isForce()));
                case setQueueConfig -> setQueueConfig(exchange, c, queue);
                case registerConsumer -> in.setBody(PgqClient.registerConsumer(c, queue, consumerName(in),
                        config.getStartTick()));
                case unregisterConsumer -> in.setBody(PgqClient.unregisterConsumer(c, queue, consumerName(in)));
                case tick -> in.setBody(PgqClient.ticker(c));
                case forceTick -> in.setBody(PgqClient.forceTick(c, queue));
                case retryEvents -> in.setBody(PgqClient.retryEvents(c));
                case maintenance -> in.setBody(PgqClient.maintenance(c));
                case queueInfo -> in.setBody(PgqInfo.queueRows(c, "*".equals(queue) ? null : queue));
                case consumerInfo -> in.setBody(PgqInfo.consumerRows(c, queue,
                        in.getHeader(PgqConstants.CONSUMER_NAME, config.getConsumerName(), String.class)));
                default -> throw new IllegalArgumentException("pgq: unknown operation " + op);
            }
        }
    }

    private void insert(Exchange exchange, Connection c, String queue) throws Exception {
        Message in = exchange.getIn();
        Object body = in.getBody();
        if (body instanceof Collection<?> items) {
            List<NewEvent> events = new ArrayList<>(items.size());
            for (Object item : items) {
                events.add(toEvent(exchange, item));
            }
            c.setAutoCommit(false);
            boolean done = false;
            try {
                List<Long> ids = config.getCopyThreshold() > 0 && events.size() >= config.getCopyThreshold()
                        ? PgqClient.copyEvents(c, queue, events)
                        : PgqClient.insertEvents(c, queue, events);
                c.commit();
                done = true;
                in.setHeader(PgqConstants.EVENT_IDS, ids);
                metrics.produced(ids.size());
            } finally {
                if (!done) {
                    c.rollback();
                }
                c.setAutoCommit(true);
            }
        } else {
            in.setHeader(PgqConstants.EVENT_ID, PgqClient.insertEvent(c, queue, toEvent(exchange, body)));
            metrics.produced(1);
        }
    }

    private NewEvent toEvent(Exchange exchange, Object item) throws Exception {
        if (item instanceof NewEvent e) {
            return e;
        }
        Message in = exchange.getIn();
        String data = item == null ? null
                : item instanceof String s ? s
                : toText(exchange, item);
        return new NewEvent(in.getHeader(PgqConstants.EVENT_TYPE, config.getEventType(), String.class), data,
                in.getHeader(PgqConstants.EXTRA1, String.class), in.getHeader(PgqConstants.EXTRA2, String.class),
                in.getHeader(PgqConstants.EXTRA3, String.class), in.getHeader(PgqConstants.EXTRA4, String.class));
    }

    /** Structured bodies as JSON (with Jackson on the classpath); anything else through Camel's converters. */
    private static String toText(Exchange exchange, Object item) throws Exception {
        if (OptionalLibraries.JACKSON && JsonBodies.structured(item)) {
            return JsonBodies.toJson(item);
        }
        return exchange.getContext().getTypeConverter().mandatoryConvertTo(String.class, exchange, item);
    }

    private void setQueueConfig(Exchange exchange, Connection c, String queue) throws Exception {
        Map<?, ?> settings = exchange.getIn().getMandatoryBody(Map.class);
        for (Map.Entry<?, ?> e : settings.entrySet()) {
            PgqClient.setQueueConfig(c, queue, String.valueOf(e.getKey()),
                    e.getValue() == null ? null : String.valueOf(e.getValue()));
        }
    }

    private String consumerName(Message in) {
        String name = in.getHeader(PgqConstants.CONSUMER_NAME, config.getConsumerName(), String.class);
        if (name == null) {
            throw new IllegalArgumentException("pgq:" + endpoint.getQueueName()
                                               + ": this operation needs consumerName (option or CamelPgqConsumerName header)");
        }
        return name;
    }
}
