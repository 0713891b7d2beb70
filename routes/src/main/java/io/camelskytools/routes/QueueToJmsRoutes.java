package io.camelskytools.routes;

import io.camelskytools.pgq.PgqConstants;
import org.apache.camel.builder.RouteBuilder;

/**
 * queue -> JMS: a pgq consumer that sends every event to a JMS queue (persistent), and
 * finishes a batch only once all its events were sent. Nothing is lost when the broker is
 * down: the batch stays open and is sent again. Each message carries {@code _AMQ_DUPL_ID =
 * pgq:<queue>:<ev_id>}, so ActiveMQ Artemis drops the copies a resend makes (exactly once);
 * other brokers see at-least-once. ev_type, ev_id and the extras travel as the JMS
 * properties pgqEventType, pgqEventId, pgqExtra1..4.
 */
public class QueueToJmsRoutes extends RouteBuilder {

    private final String dataSourceBean;
    private final String queue;
    private final String consumerName;
    private final String jmsUri;

    /**
     * @param jmsUri the destination, e.g. {@code jms:queue:orders} (the component must be configured)
     */
    public QueueToJmsRoutes(String dataSourceBean, String queue, String consumerName, String jmsUri) {
        this.dataSourceBean = BridgeNames.check("data source bean", dataSourceBean);
        this.queue = BridgeNames.check("queue", queue);
        this.consumerName = BridgeNames.check("consumer", consumerName);
        this.jmsUri = jmsUri;
    }

    @Override
    public void configure() {
        // no per-event retries: a send that fails leaves the whole batch open until the broker is back
        from("pgq:" + queue + "?dataSource=#" + dataSourceBean + "&consumerName=" + consumerName + "&maxRetries=0")
                .routeId("pgq-to-jms-" + queue)
                .setHeader("_AMQ_DUPL_ID", simple("pgq:" + queue + ":${header." + PgqConstants.EVENT_ID + "}"))
                .setHeader("pgqEventId", header(PgqConstants.EVENT_ID))
                .setHeader("pgqEventType", header(PgqConstants.EVENT_TYPE))
                .setHeader("pgqExtra1", header(PgqConstants.EXTRA1))
                .setHeader("pgqExtra2", header(PgqConstants.EXTRA2))
                .setHeader("pgqExtra3", header(PgqConstants.EXTRA3))
                .setHeader("pgqExtra4", header(PgqConstants.EXTRA4))
                .to(jmsUri + (jmsUri.contains("?") ? "&" : "?") + "deliveryPersistent=true");
    }
}
