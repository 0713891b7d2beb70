package io.camelskytools.runtime.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import io.camelskytools.pgq.PgqTargetDataSource;
import io.camelskytools.routes.JmsToQueueRoutes;
import io.camelskytools.routes.QueueToHttpRoutes;
import io.camelskytools.routes.QueueToJmsRoutes;
import io.camelskytools.runtime.config.DatabaseConfig;
import io.camelskytools.runtime.config.SkytoolsConfig;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.Main;

/**
 * The bridges of `skytools run` (skytools.bridge.NAME.*): queue -> JMS, JMS -> queue,
 * queue -> HTTP webhook. The JMS ones use an in-process ActiveMQ Artemis with a persistent
 * journal by default, or the broker at skytools.jms.url.
 */
final class Bridges {

    private Bridges() {
    }

    /** Sets up the bridges; returns the embedded broker to stop at the end, or null. */
    static EmbeddedActiveMQ configure(Main main, SkytoolsConfig config, Map<String, DatabaseConfig> dbs,
                                      Map<String, Object> beans, Path stateDir, PrintWriter out) throws Exception {
        TreeSet<String> names = config.prefixedNames("skytools.bridge.");
        if (names.isEmpty()) {
            return null;
        }
        EmbeddedActiveMQ broker = null;
        boolean jmsNeeded = names.stream().anyMatch(n -> config.get("skytools.bridge." + n + ".type", "").contains("jms"));
        String url = config.get("skytools.jms.url");
        if (jmsNeeded && url == null) {
            Path dir = config.get("skytools.jms.dir") != null ? Path.of(config.get("skytools.jms.dir")) : stateDir.resolve("artemis");
            ConfigurationImpl cfg = new ConfigurationImpl();
            cfg.setPersistenceEnabled(true);
            cfg.setSecurityEnabled(false);
            cfg.setJournalDirectory(dir.resolve("journal").toString());
            cfg.setBindingsDirectory(dir.resolve("bindings").toString());
            cfg.setLargeMessagesDirectory(dir.resolve("large").toString());
            cfg.setPagingDirectory(dir.resolve("paging").toString());
            cfg.addAcceptorConfiguration(new TransportConfiguration(InVMAcceptorFactory.class.getName()));
            String port = config.get("skytools.jms.port");
            if (port != null) {
                cfg.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
            }
            broker = new EmbeddedActiveMQ();
            broker.setConfiguration(cfg);
            broker.start();
            url = "vm://0";
            out.println("skytools: in-process ActiveMQ Artemis broker, journal in " + dir
                        + (port == null ? "" : ", tcp://127.0.0.1:" + port));
        }
        if (jmsNeeded) {
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url + (url.contains("?") ? "&" : "?")
                                                                              + "reconnectAttempts=-1&retryInterval=500");
            if (config.get("skytools.jms.user") != null) {
                factory.setUser(config.get("skytools.jms.user"));
                factory.setPassword(config.get("skytools.jms.password"));
            }
            JmsComponent jms = JmsComponent.jmsComponent(factory);
            jms.getConfiguration().setRecoveryInterval(1000);
            main.bind("jms", jms);
        }

        for (String name : names) {
            String prefix = "skytools.bridge." + name + ".";
            String type = required(config, prefix + "type");
            if (dbs.isEmpty()) {
                throw new SkytoolsConfig.ConfigException(prefix + "type needs a database (skytools.db.NAME.url)");
            }
            DatabaseConfig db = dbs.get(config.get(prefix + "db", dbs.keySet().iterator().next()));
            if (db == null) {
                throw new SkytoolsConfig.ConfigException(prefix + "db names no configured database: " + config.get(prefix + "db"));
            }
            String queue = required(config, prefix + "queue");
            if (type.equals("queue-to-http")) {
                String consumer = config.get(prefix + "consumer", "http-" + name);
                QueueToHttpRoutes hook = new QueueToHttpRoutes(db.beanName(), queue, consumer, required(config, prefix + "url"))
                        .retryDelay(config.duration(prefix + "retry-delay", java.time.Duration.ofSeconds(30)))
                        .timeout(config.duration(prefix + "timeout", java.time.Duration.ofSeconds(10)));
                if (config.get(prefix + "max-retries") != null) {
                    try {
                        hook.maxRetries(Integer.parseInt(config.get(prefix + "max-retries")));
                    } catch (NumberFormatException e) {
                        throw new SkytoolsConfig.ConfigException(prefix + "max-retries must be a number, not '"
                                                                 + config.get(prefix + "max-retries") + "'");
                    }
                }
                main.configure().addRoutesBuilder(hook);
                out.println("skytools: bridge " + name + ": queue " + queue + " (" + db.name() + ", consumer " + consumer
                            + ") -> " + io.camelskytools.jdbc.JdbcUrls.mask(config.get(prefix + "url")));
                continue;
            }
            String destination = required(config, prefix + "destination");
            switch (type) {
                case "queue-to-jms" -> {
                    String consumer = config.get(prefix + "consumer", "jms-" + name);
                    main.configure().addRoutesBuilder(new QueueToJmsRoutes(db.beanName(), queue, consumer,
                            "jms:queue:" + destination));
                    out.println("skytools: bridge " + name + ": queue " + queue + " (" + db.name() + ", consumer " + consumer
                                + ") -> JMS " + destination);
                }
                case "jms-to-queue" -> {
                    String txBean = "tx-" + db.beanName();
                    if (!beans.containsKey(txBean)) {
                        PgqTargetDataSource tx = new PgqTargetDataSource((javax.sql.DataSource) beans.get(db.beanName()));
                        beans.put(txBean, tx);
                        main.bind(txBean, tx);
                    }
                    main.configure().addRoutesBuilder(new JmsToQueueRoutes("jms:queue:" + destination, txBean, queue, name));
                    out.println("skytools: bridge " + name + ": JMS " + destination + " -> queue " + queue + " (" + db.name() + ")");
                }
                default -> throw new SkytoolsConfig.ConfigException(prefix + "type must be queue-to-jms, jms-to-queue or"
                                                                    + " queue-to-http, not '"
                                                                    + type + "'");
            }
        }
        return broker;
    }

    private static String required(SkytoolsConfig config, String key) {
        String v = config.get(key);
        if (v == null) {
            throw new SkytoolsConfig.ConfigException(key + " is not set");
        }
        return v;
    }

}
