package io.camelskytools.routes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

import io.camelskytools.pgq.PgqConstants;
import io.camelskytools.pgq.PgqTargetDataSource;
import io.camelskytools.pgq.PgqTransactionPolicy;
import org.apache.camel.builder.RouteBuilder;

/**
 * JMS -> queue: every message of a JMS queue becomes an event. The JMS message is
 * acknowledged (transacted session) only after the event committed; the event and the
 * record of the JMS message id ({@code camel_skytools.jms_received}) commit in one database
 * transaction, so a message the broker delivers again after a crash or restart is
 * recognised and not inserted twice. Records older than {@code keepReceived} (7 days) are purged.
 * JMS properties pgqEventType and pgqExtra1..4, when present, become ev_type and the extras.
 */
public class JmsToQueueRoutes extends RouteBuilder {

    private final String jmsUri;
    private final String targetBean;
    private final String queue;
    private final String bridgeName;
    private Duration keepReceived = Duration.ofDays(7);

    /**
     * @param jmsUri     the source, e.g. {@code jms:queue:orders-in} (the component must be configured)
     * @param targetBean a {@link PgqTargetDataSource} bean of the queue's database
     */
    public JmsToQueueRoutes(String jmsUri, String targetBean, String queue, String bridgeName) {
        this.jmsUri = jmsUri;
        this.targetBean = BridgeNames.check("target bean", targetBean);
        this.queue = BridgeNames.check("queue", queue);
        this.bridgeName = BridgeNames.check("bridge name", bridgeName);
    }

    public JmsToQueueRoutes keepReceived(Duration keep) {
        this.keepReceived = keep;
        return this;
    }

    @Override
    public void configure() throws Exception {
        PgqTargetDataSource target = getContext().getRegistry().lookupByNameAndType(targetBean, PgqTargetDataSource.class);
        if (target == null) {
            throw new IllegalStateException("JMS bridge " + bridgeName + ": no PgqTargetDataSource bean named " + targetBean);
        }
        try (Connection c = target.target().getConnection(); Statement st = c.createStatement()) {
            st.execute("create schema if not exists camel_skytools");
            st.execute("create table if not exists camel_skytools.jms_received (bridge text not null, message_id text not null,"
                       + " received timestamptz not null default now(), primary key (bridge, message_id))");
        }
        String policy = "pgq-tx-" + bridgeName;
        getContext().getRegistry().bind(policy, new PgqTransactionPolicy(target));

        from(jmsUri + (jmsUri.contains("?") ? "&" : "?") + "transacted=true&lazyCreateTransactionManager=true")
                .routeId("jms-to-pgq-" + bridgeName)
                .transacted(policy)
                .process(e -> {
                    String id = e.getIn().getHeader("JMSMessageID", String.class);
                    try (Connection c = target.getConnection();
                         PreparedStatement ps = c.prepareStatement("insert into camel_skytools.jms_received (bridge, message_id)"
                                                                   + " values (?, ?) on conflict do nothing")) {
                        ps.setString(1, bridgeName);
                        ps.setString(2, id);
                        // 0 rows: this message was inserted before (a redelivery after a crash)
                        e.setProperty("pgqDuplicate", ps.executeUpdate() == 0);
                    }
                })
                .filter(exchangeProperty("pgqDuplicate").isEqualTo(false))
                    .setHeader(PgqConstants.EVENT_TYPE, header("pgqEventType"))
                    .setHeader(PgqConstants.EXTRA1, header("pgqExtra1"))
                    .setHeader(PgqConstants.EXTRA2, header("pgqExtra2"))
                    .setHeader(PgqConstants.EXTRA3, header("pgqExtra3"))
                    .setHeader(PgqConstants.EXTRA4, header("pgqExtra4"))
                    .to("pgq:" + queue + "?dataSource=#" + targetBean)
                .end();

        from("timer:jms-received-purge-" + bridgeName + "?period=3600000").routeId("jms-received-purge-" + bridgeName)
                .process(e -> {
                    try (Connection c = target.target().getConnection();
                         PreparedStatement ps = c.prepareStatement("delete from camel_skytools.jms_received"
                                                                   + " where bridge = ? and received < now() - ?::interval")) {
                        ps.setString(1, bridgeName);
                        ps.setString(2, keepReceived.toSeconds() + " seconds");
                        ps.executeUpdate();
                    }
                });
    }
}
