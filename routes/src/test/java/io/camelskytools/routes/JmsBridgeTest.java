package io.camelskytools.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.PgqTargetDataSource;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Queue <-> JMS with a real ActiveMQ Artemis broker (persistent journal) that restarts mid-stream. */
class JmsBridgeTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path journal;

    private EmbeddedActiveMQ broker;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private void startBroker() throws Exception {
        ConfigurationImpl cfg = new ConfigurationImpl();
        cfg.setPersistenceEnabled(true);
        cfg.setJournalDirectory(journal.resolve("journal").toString());
        cfg.setBindingsDirectory(journal.resolve("bindings").toString());
        cfg.setLargeMessagesDirectory(journal.resolve("large").toString());
        cfg.setPagingDirectory(journal.resolve("paging").toString());
        cfg.setSecurityEnabled(false);
        cfg.addAcceptorConfiguration(new TransportConfiguration(InVMAcceptorFactory.class.getName()));
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(cfg);
        broker.start();
    }

    private static ActiveMQConnectionFactory factory() {
        return new ActiveMQConnectionFactory("vm://0?reconnectAttempts=-1&retryInterval=200");
    }

    private CamelContext camel(HikariDataSource ds) {
        CamelContext ctx = new DefaultCamelContext();
        ctx.getRegistry().bind("db", ds);
        ctx.getRegistry().bind("target", new PgqTargetDataSource(ds));
        JmsComponent jms = JmsComponent.jmsComponent(factory());
        jms.getConfiguration().setRecoveryInterval(200);
        ctx.addComponent("jms", jms);
        return ctx;
    }

    private HikariDataSource pool() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(PG.db().jdbcUrl());
        closeables.add(ds);
        return ds;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void queueToJmsSurvivesABrokerRestartWithoutLossOrDoubles() throws Exception {
        startBroker();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("select pgq.register_consumer('orders', 'to-jms')");
            s.exec("select pgq.insert_event('orders', 'order', g::text) from generate_series(1, 100) g");
            s.exec("select pgq.force_tick('orders')");
            s.exec("select pgq.ticker()");
        }
        CamelContext ctx = camel(pool());
        ctx.addRoutes(new QueueToJmsRoutes("db", "orders", "to-jms", "jms:queue:orders.out"));
        ctx.start();
        closeables.add(0, ctx::stop);
        await().atMost(Duration.ofSeconds(20)).until(() -> pendingBatch("orders", "to-jms") == 0);

        broker.stop();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.insert_event('orders', 'order', g::text) from generate_series(101, 200) g");
            s.exec("select pgq.force_tick('orders')");
            s.exec("select pgq.ticker()");
        }
        // the bridge cannot send: the batch stays open
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> pendingBatch("orders", "to-jms") > 0);
        startBroker();
        await().atMost(Duration.ofSeconds(60)).until(() -> pendingBatch("orders", "to-jms") == 0);
        ctx.stop();

        List<String> got = drain("orders.out");
        assertThat(got).hasSize(200);
        assertThat(got).doesNotHaveDuplicates();
    }

    @Test
    void jmsToQueueSurvivesABrokerRestartWithoutLossOrDoubles() throws Exception {
        startBroker();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('incoming')");
        }
        CamelContext ctx = camel(pool());
        ctx.addRoutes(new JmsToQueueRoutes("jms:queue:orders.in", "target", "incoming", "in"));
        ctx.start();
        closeables.add(0, ctx::stop);
        send("orders.in", 1, 100);
        await().atMost(Duration.ofSeconds(30)).until(() -> events("incoming") == 100);
        broker.stop();
        startBroker();
        send("orders.in", 101, 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> events("incoming") == 200);
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(distinct ev_data) from pgq.event_1")).isEqualTo(200);
            assertThat(s.value("select ev_type from pgq.event_1 limit 1")).isEqualTo("order.in");
            assertThat(s.longValue("select count(*) from camel_skytools.jms_received where bridge = 'in'")).isEqualTo(200);
        }
    }

    private static long pendingBatch(String queue, String consumer) throws Exception {
        try (Sql s = PG.db().open()) {
            return s.longValue("select coalesce(pending_events, 0) + case when current_batch is null then 0 else 1 end"
                               + " from pgq.get_consumer_info(?, ?)", queue, consumer);
        }
    }

    private static long events(String queue) throws Exception {
        try (Sql s = PG.db().open()) {
            return s.longValue("select count(*) from pgq.event_1");
        }
    }

    private static void send(String queue, int from, int to) throws Exception {
        try (Connection c = factory().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = session.createProducer(session.createQueue(queue));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = from; i <= to; i++) {
                TextMessage m = session.createTextMessage(Integer.toString(i));
                m.setStringProperty("pgqEventType", "order.in");
                p.send(m);
            }
        }
    }

    private static List<String> drain(String queue) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = factory().createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (Message m = consumer.receive(5000); m != null; m = consumer.receive(1000)) {
                out.add(((TextMessage) m).getText());
            }
        }
        return out;
    }
}
