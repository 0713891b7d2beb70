package io.camelskytools.pgq.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.schema.SchemaInstaller;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The database restarts under a running consumer and ticker: both carry on, nothing is lost. */
@Tag("needs-debian")
class ConsumerSurvivesRestartTest {

    @Test
    void consumerAndTickerReconnectAfterRestart() throws Exception {
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("postgres")))) {
                s.exec("create database app");
            }
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("app")))) {
                SchemaInstaller.installPgq(s.connection());
                s.exec("select pgq.create_queue('q')");
                s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '0')");
                s.exec("select pgq.register_consumer('q', 'c')");
            }
            Set<String> seen = ConcurrentHashMap.newKeySet();
            try (HikariDataSource ds = new HikariDataSource()) {
                ds.setJdbcUrl(pg.jdbcUrl("app"));
                ds.setConnectionTimeout(2000);
                CamelContext ctx = new DefaultCamelContext();
                ctx.getRegistry().bind("db", ds);
                ctx.addRoutes(new PgqTickerRoutes().database("db").tickerPeriod(Duration.ofMillis(100)));
                ctx.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("pgq:q?dataSource=#db&consumerName=c").process(e -> seen.add(e.getIn().getBody(String.class)));
                    }
                });
                ctx.start();
                try {
                    insert(pg, 1, 50);
                    await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 50);
                    pg.stop("fast");
                    pg.restart();
                    insert(pg, 51, 100);
                    await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == 100);
                } finally {
                    ctx.stop();
                }
            }
            for (int i = 1; i <= 100; i++) {
                assertThat(seen).contains(Integer.toString(i));
            }
        }
    }

    private static void insert(SystemPgServer pg, int from, int to) throws Exception {
        try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("app")))) {
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(?, ?) g", from, to);
        }
    }
}
