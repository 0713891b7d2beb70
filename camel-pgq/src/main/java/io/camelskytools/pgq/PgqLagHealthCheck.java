package io.camelskytools.pgq;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.client.ConsumerInfo;
import io.camelskytools.pgq.client.PgqInfo;
import io.camelskytools.pgq.client.QueueInfo;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * DOWN when a consumer falls behind (its lag, the age of its position, passes maxLag) or
 * its queue stops ticking (ticker lag past maxTickerLag), or the database cannot be asked.
 * The details carry the figures either way.
 */
public final class PgqLagHealthCheck implements HealthCheck {

    private final PgqEndpoint endpoint;
    private final Duration maxLag;
    private final Duration maxTickerLag;
    private boolean enabled = true;

    public PgqLagHealthCheck(PgqEndpoint endpoint, Duration maxLag, Duration maxTickerLag) {
        this.endpoint = endpoint;
        this.maxLag = maxLag;
        this.maxTickerLag = maxTickerLag;
    }

    @Override
    public String getGroup() {
        return "pgq";
    }

    @Override
    public String getId() {
        return "pgq-lag-" + endpoint.getQueueName() + "-" + endpoint.getConfiguration().getConsumerName();
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isLiveness() {
        // a lagging consumer is not a reason to restart the process
        return false;
    }

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder result = HealthCheckResultBuilder.on(this).up()
                .detail("queue", endpoint.getQueueName()).detail("consumer", endpoint.getConfiguration().getConsumerName());
        try (Connection c = endpoint.getDataSource().getConnection()) {
            List<ConsumerInfo> consumer = PgqInfo.consumers(c, endpoint.getQueueName(), endpoint.getConfiguration().getConsumerName());
            List<QueueInfo> queue = PgqInfo.queues(c, endpoint.getQueueName());
            if (consumer.isEmpty() || queue.isEmpty()) {
                return result.down().message("consumer " + endpoint.getConfiguration().getConsumerName() + " is not registered on queue "
                                             + endpoint.getQueueName()).build();
            }
            double lag = seconds(consumer.get(0).lag());
            double tickerLag = seconds(queue.get(0).tickerLag());
            result.detail("lag.seconds", lag).detail("pending.events", consumer.get(0).pendingEvents())
                    .detail("last.seen.seconds", seconds(consumer.get(0).lastSeen())).detail("ticker.lag.seconds", tickerLag);
            if (maxLag != null && lag > seconds(maxLag)) {
                result.down().message("consumer " + endpoint.getConfiguration().getConsumerName() + " on " + endpoint.getQueueName()
                                      + " is " + Math.round(lag) + " s behind (more than " + maxLag + ")");
            } else if (maxTickerLag != null && tickerLag > seconds(maxTickerLag)) {
                result.down().message("queue " + endpoint.getQueueName() + " has not ticked for " + Math.round(tickerLag)
                                      + " s (more than " + maxTickerLag + "): is a ticker running?");
            }
        } catch (Exception e) {
            result.down().error(e).message("cannot read the lag of " + endpoint.getQueueName() + ": " + e.getMessage());
        }
        return result.build();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
