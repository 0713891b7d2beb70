package io.camelskytools.pgq;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real database with PgQ (ours, or Skytools' in the compat run) and Camel contexts that
 * use it through a "ds" DataSource bean.
 */
abstract class PgqComponentTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    DataSource dataSource(TestDb db) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.jdbcUrl());
        cfg.setMaximumPoolSize(8);
        HikariDataSource ds = new HikariDataSource(cfg);
        closeables.add(ds);
        return ds;
    }

    /** A started context with the routes and the "ds" bean. */
    CamelContext camel(DataSource ds, RoutesBuilder... routes) throws Exception {
        return camel(ds, java.util.Map.of(), routes);
    }

    /** The same, with more beans in the registry. */
    CamelContext camel(DataSource ds, java.util.Map<String, Object> beans, RoutesBuilder... routes) throws Exception {
        CamelContext ctx = new DefaultCamelContext();
        ctx.getRegistry().bind("ds", ds);
        beans.forEach(ctx.getRegistry()::bind);
        for (RoutesBuilder r : routes) {
            ctx.addRoutes(r);
        }
        ctx.start();
        closeables.add(0, ctx::stop);
        return ctx;
    }

    /** Makes the queue tick as soon as it has events (the ticker thresholds at zero). */
    static void eagerTicker(Sql s, String queue) throws Exception {
        s.exec("select pgq.set_queue_config(?, 'ticker_max_lag', '0')", queue);
        s.exec("select pgq.set_queue_config(?, 'ticker_idle_period', '0')", queue);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }
}
