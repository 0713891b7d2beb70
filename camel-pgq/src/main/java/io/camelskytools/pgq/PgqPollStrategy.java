package io.camelskytools.pgq;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a pgq consumer reports failed polls (database down, queue dropped, ...): one line
 * when the trouble starts, one a minute while it lasts, one when it is over; the stack
 * trace only at DEBUG. Camel's default (a poll strategy and an exception handler) logs a
 * stack trace on every failed poll; this is both, for the consumer it is set on.
 */
final class PgqPollStrategy implements PollingConsumerPollStrategy, ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PgqConsumer.class);
    private static final long REPEAT_MILLIS = 60_000;

    private final String who;
    private long failingSince;
    private long lastLogged;
    private long failures;

    PgqPollStrategy(String who) {
        this.who = who;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public synchronized void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (failingSince != 0) {
            LOG.info("{}: working again after {} failed polls in {} s", who, failures,
                    (System.currentTimeMillis() - failingSince) / 1000);
            failingSince = 0;
            failures = 0;
        }
    }

    @Override
    public synchronized boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        long now = System.currentTimeMillis();
        failures++;
        if (failingSince == 0) {
            failingSince = now;
            lastLogged = now;
            LOG.warn("{}: poll failed ({}); retrying", who, cause.getMessage());
        } else if (now - lastLogged >= REPEAT_MILLIS) {
            lastLogged = now;
            LOG.warn("{}: still failing after {} polls in {} s ({})", who, failures, (now - failingSince) / 1000,
                    cause.getMessage());
        }
        LOG.debug("{}: failed poll", who, cause);
        // no immediate retry: the next scheduled poll (after the backoff) tries again
        return false;
    }

    // the failed poll reaches the exception handler after rollback, which has said it already

    @Override
    public void handleException(Throwable exception) {
        LOG.debug("{}: {}", who, exception.getMessage());
    }

    @Override
    public void handleException(String message, Throwable exception) {
        LOG.debug("{}: {} ({})", who, message, exception.getMessage());
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        LOG.debug("{}: {} ({})", who, message, exception.getMessage());
    }
}
