package io.camelskytools.pgq.ticker;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.jdbc.JdbcUrls;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pgqd's database auto-detection, as a route: every checkPeriod it lists the server's
 * databases (through the initial database's URL), and starts ticker routes for each
 * database that has a pgq schema and has none yet. Each found database gets its own small
 * pool, bound in the registry as {@code pgq-db-<n>-<name>}.
 */
public class PgqDatabaseDiscovery extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(PgqDatabaseDiscovery.class);

    private final String initialUrl;
    private final String user;
    private final String password;
    private Duration checkPeriod = Duration.ofSeconds(60);
    private Duration tickerPeriod = Duration.ofSeconds(1);
    private Duration retryPeriod = Duration.ofSeconds(30);
    private Duration maintPeriod = Duration.ofSeconds(120);
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    private final List<HikariDataSource> pools = new ArrayList<>();

    /** @param initialUrl JDBC URL of the database used to list the others (pgqd's initial_database) */
    public PgqDatabaseDiscovery(String initialUrl, String user, String password) {
        this.initialUrl = initialUrl;
        this.user = user;
        this.password = password;
    }

    public PgqDatabaseDiscovery checkPeriod(Duration d) {
        this.checkPeriod = d;
        return this;
    }

    public PgqDatabaseDiscovery tickerPeriod(Duration d) {
        this.tickerPeriod = d;
        return this;
    }

    public PgqDatabaseDiscovery retryPeriod(Duration d) {
        this.retryPeriod = d;
        return this;
    }

    public PgqDatabaseDiscovery maintPeriod(Duration d) {
        this.maintPeriod = d;
        return this;
    }

    /** The databases ticked so far. */
    public Set<String> served() {
        return Set.copyOf(served);
    }

    @Override
    public void configure() {
        from("timer:pgq-discovery?delay=0&period=" + checkPeriod.toMillis()).routeId("pgq-discovery")
                .process(e -> discover(e.getContext()));
    }

    private void discover(CamelContext camel) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(initialUrl, user, password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select datname from pg_catalog.pg_database"
                                            + " where not datistemplate and datallowconn order by 1")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        for (String db : found) {
            if (served.contains(db) || !hasPgq(db)) {
                continue;
            }
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(JdbcUrls.withDatabase(initialUrl, db));
            cfg.setUsername(user);
            cfg.setPassword(password);
            cfg.setMaximumPoolSize(3);
            cfg.setMinimumIdle(0);
            cfg.setPoolName("pgq-db-" + db);
            HikariDataSource pool = new HikariDataSource(cfg);
            synchronized (pools) {
                pools.add(pool);
            }
            // a bean name routes can refer to, whatever characters the database name has
            String bean = "pgq-db-" + served.size() + "-" + db.replaceAll("[^A-Za-z0-9_.-]", "_");
            camel.getRegistry().bind(bean, pool);
            served.add(db);
            camel.addRoutes(new PgqTickerRoutes().database(bean).tickerPeriod(tickerPeriod).retryPeriod(retryPeriod)
                    .maintPeriod(maintPeriod));
            LOG.info("pgq discovery: ticking database {} ({})", db, JdbcUrls.mask(cfg.getJdbcUrl()));
        }
    }

    private boolean hasPgq(String db) {
        try (Connection c = DriverManager.getConnection(JdbcUrls.withDatabase(initialUrl, db), user, password);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select 1 from pg_catalog.pg_namespace where nspname = 'pgq'")) {
            return rs.next();
        } catch (SQLException e) {
            LOG.warn("pgq discovery: cannot look into database {}: {}", db, e.getMessage());
            return false;
        }
    }

    /** Closes the pools this discovery opened (call after the context stopped). */
    public void close() {
        synchronized (pools) {
            pools.forEach(HikariDataSource::close);
            pools.clear();
        }
    }
}
