package io.camelskytools.pgq.ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pgqd does, as Camel routes: for every database (a DataSource bean name) tick all
 * queues every tickerPeriod (10 ms) while some queue ticked within the last second, else
 * every idlePeriod (250 ms), move due retry events every retryPeriod, and run one round of
 * pgq.maint_operations() every maintPeriod (each step in its own transaction).
 * <pre>
 * context.addRoutes(new PgqTickerRoutes().database("orders-db").tickerPeriod(Duration.ofMillis(200)));
 * </pre>
 * On our schema any number of these (and pgqd) may run against one database at once: the
 * ticker serializes itself. Skytools' own PgQ wants one ticker per database.
 */
public class PgqTickerRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(PgqTickerRoutes.class);
    /** How long after its last tick a database counts as busy. */
    private static final Duration BUSY_FOR = Duration.ofSeconds(1);

    private final List<String> databases = new ArrayList<>();
    private Duration tickerPeriod = Duration.ofMillis(10);
    private Duration idlePeriod = Duration.ofMillis(250);
    private Duration retryPeriod = Duration.ofSeconds(30);
    private Duration maintPeriod = Duration.ofSeconds(120);

    /** Adds a database, by the name of its DataSource bean. */
    public PgqTickerRoutes database(String dataSourceBean) {
        if (dataSourceBean == null || dataSourceBean.isBlank() || !dataSourceBean.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("PgqTickerRoutes: bad DataSource bean name: " + dataSourceBean);
        }
        databases.add(dataSourceBean);
        return this;
    }

    public PgqTickerRoutes tickerPeriod(Duration period) {
        this.tickerPeriod = positive("tickerPeriod", period);
        return this;
    }

    /** How often the ticker calls a database where no queue ticked for a second (at least tickerPeriod). */
    public PgqTickerRoutes idlePeriod(Duration period) {
        this.idlePeriod = positive("idlePeriod", period);
        return this;
    }

    public PgqTickerRoutes retryPeriod(Duration period) {
        this.retryPeriod = positive("retryPeriod", period);
        return this;
    }

    public PgqTickerRoutes maintPeriod(Duration period) {
        this.maintPeriod = positive("maintPeriod", period);
        return this;
    }

    @Override
    public void configure() {
        if (databases.isEmpty()) {
            throw new IllegalStateException("PgqTickerRoutes: no database configured");
        }
        // a database that is down: one line per failing route every minute at most, no stack traces
        OutageLog outage = new OutageLog();
        onException(Exception.class).handled(true).process(outage);
        for (String db : databases) {
            Duration idle = idlePeriod.compareTo(tickerPeriod) < 0 ? tickerPeriod : idlePeriod;
            TickerPace pace = new TickerPace(idle.toNanos(), BUSY_FOR.toNanos());
            from(timer("pgq-ticker-" + db, tickerPeriod)).routeId("pgq-ticker-" + db)
                    .filter(e -> pace.due(System.nanoTime()))
                    .process(new TickerJob(db, TickerJob.TICK, pace))
                    .process(outage::recovered)
                    .filter(simple("${body} > 0"))
                    .log(LoggingLevel.DEBUG, "pgq ticker " + db + ": ${body} queue(s) ticked");
            from(timer("pgq-retry-" + db, retryPeriod)).routeId("pgq-retry-" + db)
                    .process(new TickerJob(db, TickerJob.RETRY))
                    .process(outage::recovered)
                    .filter(simple("${body} > 0"))
                    .log("pgq " + db + ": ${body} retry event(s) back in their queues");
            from(timer("pgq-maint-" + db, maintPeriod)).routeId("pgq-maint-" + db)
                    .process(new TickerJob(db, TickerJob.MAINTENANCE))
                    .process(outage::recovered)
                    .log(LoggingLevel.DEBUG, "pgq maintenance " + db + ": ${body} step(s)");
        }
    }

    /** Logs a failing ticker route once, then at most once a minute, and when it recovers. */
    static final class OutageLog implements Processor {

        private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

        @Override
        public void process(Exchange e) {
            String route = e.getFromRouteId();
            Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            long now = System.currentTimeMillis();
            Long last = lastLogged.get(route);
            if (last == null || now - last >= 60_000) {
                lastLogged.put(route, now);
                LOG.warn("{}: {}; retrying every period{}", route,
                        cause == null ? "failed" : cause.getMessage(), last == null ? "" : " (still failing)");
            }
        }

        void recovered(Exchange e) {
            if (lastLogged.remove(e.getFromRouteId()) != null) {
                LOG.info("{}: working again", e.getFromRouteId());
            }
        }
    }

    private static String timer(String name, Duration period) {
        // delay=0: the first tick comes at start, not a period later
        return "timer:" + name + "?delay=0&period=" + period.toMillis() + "&fixedRate=false";
    }

    private static Duration positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("PgqTickerRoutes: " + name + " must be positive, not " + d);
        }
        return d;
    }
}
