package io.camelskytools.pgq;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

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
        return "pgq-lag-" + endpoint.getQueueName() + "-" + endpoint.getConsumerName();
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
                .detail("queue", endpoint.getQueueName()).detail("consumer", endpoint.getConsumerName());
        try (Connection c = endpoint.getDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select extract(epoch from ci.lag)::float8, ci.pending_events, extract(epoch from ci.last_seen)::float8,"
                     + " (select extract(epoch from qi.ticker_lag)::float8 from pgq.get_queue_info(?) qi)"
                     + " from pgq.get_consumer_info(?, ?) ci")) {
            ps.setString(1, endpoint.getQueueName());
            ps.setString(2, endpoint.getQueueName());
            ps.setString(3, endpoint.getConsumerName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return result.down().message("consumer " + endpoint.getConsumerName() + " is not registered on queue "
                                                 + endpoint.getQueueName()).build();
                }
                double lag = rs.getDouble(1);
                double tickerLag = rs.getDouble(4);
                result.detail("lag.seconds", lag).detail("pending.events", rs.getLong(2))
                        .detail("last.seen.seconds", rs.getDouble(3)).detail("ticker.lag.seconds", tickerLag);
                if (maxLag != null && lag > maxLag.toMillis() / 1000.0) {
                    result.down().message("consumer " + endpoint.getConsumerName() + " on " + endpoint.getQueueName()
                                          + " is " + Math.round(lag) + " s behind (more than " + maxLag + ")");
                } else if (maxTickerLag != null && tickerLag > maxTickerLag.toMillis() / 1000.0) {
                    result.down().message("queue " + endpoint.getQueueName() + " has not ticked for " + Math.round(tickerLag)
                                          + " s (more than " + maxTickerLag + "): is a ticker running?");
                }
            }
        } catch (Exception e) {
            result.down().error(e).message("cannot read the lag of " + endpoint.getQueueName() + ": " + e.getMessage());
        }
        return result.build();
    }
}
