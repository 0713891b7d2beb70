package io.camelskytools.pgq.consumer;

import java.sql.Connection;
import java.sql.SQLException;

import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers a consumer (at a tick, or at the latest) or a pgq_coop subconsumer on its queue unless it is already. */
public final class ConsumerRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRegistration.class);

    private ConsumerRegistration() {
    }

    /** {@code subconsumer} null: a plain consumer; {@code startTick} null: the latest tick. */
    public static void ensure(Connection c, String queue, String consumer, String subconsumer, Long startTick)
            throws SQLException {
        if (subconsumer != null) {
            if (PgqClient.registerSubconsumer(c, queue, consumer, subconsumer) == 1) {
                LOG.info("pgq subconsumer {}.{} registered on queue {}", consumer, subconsumer, queue);
            }
            return;
        }
        if (!PgqInfo.isRegistered(c, queue, consumer)) {
            PgqClient.registerConsumer(c, queue, consumer, startTick);
            LOG.info("pgq consumer {} registered on queue {}", consumer, queue);
        }
    }
}
