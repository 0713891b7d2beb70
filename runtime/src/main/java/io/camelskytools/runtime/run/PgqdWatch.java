package io.camelskytools.runtime.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a pgqd ticking a database whose ticker routes also run, and says how to leave the
 * ticking to one of them. pgqd 3.5 sets no application_name, so its session is recognised by
 * an empty one and a last statement that only pgqd sends in that form (pgq.ticker(), the
 * maintenance calls). Seeing sessions needs a superuser or pg_read_all_stats; without it,
 * nothing is noticed and nothing is said.
 */
final class PgqdWatch extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(PgqdWatch.class);

    private static final String PGQD_SESSION = "select pid, coalesce(host(client_addr), 'a local socket'), query"
            + " from pg_catalog.pg_stat_activity"
            + " where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'"
            + "   and (application_name = 'pgqd'"
            + "        or (application_name = '' and query ~ '^select (pgq\\.ticker\\(\\)|pgq\\.version\\(\\)|pgq\\.maint_"
            + "|\\* from pgq\\.maint_|func_name, func_arg from pgq\\.maint_operations\\(\\))'))"
            + " order by pid limit 1";

    private final String db;
    private final String bean;
    private final Duration period;
    private volatile boolean seen;

    PgqdWatch(String db, String bean, Duration period) {
        this.db = db;
        this.bean = bean;
        this.period = period;
    }

    @Override
    public void configure() {
        onException(Exception.class).handled(true)
                // an unreachable database is the ticker routes' to report; this check just tries again
                .process(e -> LOG.debug("pgqd check of database {} failed: {}", db,
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
        from("timer:pgqd-watch-" + db + "?delay=0&period=" + period.toMillis()).routeId("pgqd-watch-" + db)
                .process(e -> check(getContext().getRegistry().lookupByNameAndType(bean, DataSource.class)));
    }

    private void check(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(PGQD_SESSION);
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                if (!seen) {
                    seen = true;
                    LOG.warn("pgqd ticks database {} too (session {} from {}, last statement '{}'): set"
                             + " skytools.db.{}.ticker=false to leave the ticking to it, or stop pgqd", db, rs.getInt(1),
                            rs.getString(2), rs.getString(3), db);
                }
            } else if (seen) {
                seen = false;
                LOG.info("pgqd no longer connected to database {}", db);
            }
        }
    }
}
