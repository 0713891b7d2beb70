package io.camelskytools.pgq.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import io.camelskytools.jdbc.JdbcUrls;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Camel cluster service on PostgreSQL session advisory locks: the leader of a namespace is
 * the member whose dedicated session holds {@code pg_try_advisory_lock(key)} (key:
 * {@link AdvisoryLockKey}) in the configured database, so the members need nothing but that
 * database. Add it to the context and use {@code master:NAMESPACE:URI} endpoints or a
 * ClusteredRoutePolicy:
 * <pre>
 * context.addService(new PgLockClusterService().jdbcUrl("jdbc:postgresql://db/app").memberId("node-1"));
 * </pre>
 * Every {@link #getPeriod() period} each namespace's session tries for the lock or, holding it,
 * checks that it still does; a session the server ended (pg_terminate_backend, restart) or
 * that does not answer within {@link #getValidationTimeout() validationTimeout} ends the
 * leadership and the listeners stop their routes at once. The server releases the lock the
 * moment it ends the session, so the next holder waits {@link #getTakeoverDelay() takeoverDelay}
 * (longer than period + validationTimeout + the time routes take to stop) before it leads.
 */
public class PgLockClusterService extends AbstractCamelClusterService<PgLockClusterView> {

    private static final Logger LOG = LoggerFactory.getLogger(PgLockClusterService.class);

    private DataSource dataSource;
    private String jdbcUrl;
    private String user;
    private String password;
    private String memberId = defaultMemberId();
    private Duration period = Duration.ofSeconds(1);
    private Duration validationTimeout = Duration.ofSeconds(1);
    private Duration takeoverDelay;

    public PgLockClusterService() {
        setId("pg-lock");
    }

    /** The lock sessions come from this DataSource (one connection per namespace, held while the view runs). */
    public PgLockClusterService dataSource(DataSource dataSource) {
        setDataSource(dataSource);
        return this;
    }

    /** Or from this JDBC URL, opened directly (no pool: one session per namespace). */
    public PgLockClusterService jdbcUrl(String url) {
        setJdbcUrl(url);
        return this;
    }

    public PgLockClusterService credentials(String user, String password) {
        setUser(user);
        setPassword(password);
        return this;
    }

    public PgLockClusterService memberId(String id) {
        setMemberId(id);
        return this;
    }

    public PgLockClusterService period(Duration period) {
        setPeriod(period);
        return this;
    }

    public PgLockClusterService validationTimeout(Duration timeout) {
        setValidationTimeout(timeout);
        return this;
    }

    public PgLockClusterService takeoverDelay(Duration delay) {
        setTakeoverDelay(delay);
        return this;
    }

    @Override
    protected void doStart() throws Exception {
        if (dataSource == null && (jdbcUrl == null || jdbcUrl.isBlank())) {
            throw new IllegalStateException("PgLockClusterService: set dataSource or jdbcUrl (the database holding the locks)");
        }
        if (memberId == null || memberId.isBlank()) {
            throw new IllegalStateException("PgLockClusterService: memberId must not be empty");
        }
        Duration detection = period.plus(validationTimeout);
        if (getTakeoverDelay().compareTo(detection) <= 0) {
            throw new IllegalStateException("PgLockClusterService: takeoverDelay (" + getTakeoverDelay().toMillis()
                    + " ms) must be longer than period + validationTimeout (" + detection.toMillis()
                    + " ms), the time a leader may take to notice it lost its session");
        }
        LOG.info("cluster service {}: member {} on {}, check every {} ms, takeover after {} ms", getId(), memberId,
                jdbcUrl != null ? JdbcUrls.mask(jdbcUrl) : "a DataSource", period.toMillis(), getTakeoverDelay().toMillis());
        super.doStart();
    }

    @Override
    protected PgLockClusterView createView(String namespace) {
        return new PgLockClusterView(this, namespace);
    }

    ConnectionSource connections() {
        if (dataSource != null) {
            return dataSource::getConnection;
        }
        return () -> {
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            props.setProperty("connectTimeout", Long.toString(Math.max(1, validationTimeout.toSeconds())));
            return DriverManager.getConnection(jdbcUrl, props);
        };
    }

    /** hostname-pid: readable in pg_stat_activity and distinct per process. */
    public static String defaultMemberId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getJdbcUrl() {
        return jdbcUrl;
    }

    public void setJdbcUrl(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** This member's id: other members see it as the leader's id (default hostname-pid). */
    public String getMemberId() {
        return memberId;
    }

    public void setMemberId(String memberId) {
        this.memberId = memberId;
    }

    public Duration getPeriod() {
        return period;
    }

    public void setPeriod(Duration period) {
        this.period = positive("period", period);
    }

    public Duration getValidationTimeout() {
        return validationTimeout;
    }

    public void setValidationTimeout(Duration validationTimeout) {
        this.validationTimeout = positive("validationTimeout", validationTimeout);
    }

    /** Default: period + validationTimeout + 1 s for the routes to stop. */
    public Duration getTakeoverDelay() {
        return takeoverDelay != null ? takeoverDelay : period.plus(validationTimeout).plusSeconds(1);
    }

    public void setTakeoverDelay(Duration takeoverDelay) {
        this.takeoverDelay = positive("takeoverDelay", takeoverDelay);
    }

    private static Duration positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("PgLockClusterService: " + name + " must be positive, not " + d);
        }
        return d;
    }
}
