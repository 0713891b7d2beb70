package io.camelskytools.routes.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kamelets pgq-source and pgq-sink as Camel loads them from the classpath (kamelets/*.kamelet.yaml,
 * read by the YAML DSL): a source-to-sink pair between two real databases, and the required
 * properties their definitions declare.
 */
class KameletsTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @Test
    void sourceToSinkMovesEveryEventWithItsTypeAndExtras() throws Exception {
        TestDb src = PG.db();
        TestDb dst = PG.newDb(0, "sink");
        try (Sql s = src.open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("select pgq.set_queue_config('orders', 'ticker_max_lag', '0')");
            s.exec("select pgq.register_consumer('orders', 'kamelet')");
        }
        try (Sql s = dst.open()) {
            s.exec("select pgq.create_queue('orders_in')");
        }
        try (HikariDataSource ticks = new HikariDataSource()) {
            ticks.setJdbcUrl(src.jdbcUrl());
            ticks.setMaximumPoolSize(5);
            CamelContext camel = new DefaultCamelContext();
            // the only DataSource in the registry: the pgq component autowires it, and the Kamelets'
            // jdbcUrl must still win (the sink writes to another database)
            camel.getRegistry().bind("src", ticks);
            camel.addRoutes(new PgqTickerRoutes().database("src").tickerPeriod(Duration.ofMillis(20)));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // RAW(): the test URLs carry their own ?user=
                    from("kamelet:pgq-source?queue=orders&consumerName=kamelet&jdbcUrl=RAW(" + src.jdbcUrl() + ")")
                            .routeId("pgq-kamelets")
                            .to("kamelet:pgq-sink?queue=orders_in&jdbcUrl=RAW(" + dst.jdbcUrl() + ")");
                }
            });
            camel.start();
            try {
                try (Sql s = src.open()) {
                    s.exec("select pgq.insert_event('orders', 'order.created', 'n=' || g, 'shop', null, null, 'x' || g)"
                           + " from generate_series(1, 300) g");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> SkytoolsTemplatesTest.events(dst, "orders_in").size() >= 300);
            } finally {
                camel.stop();
            }
        }
        List<Map<String, Object>> moved = SkytoolsTemplatesTest.events(dst, "orders_in");
        assertThat(moved).hasSize(300);
        assertThat(moved).extracting(r -> r.get("ev_data")).doesNotHaveDuplicates();
        assertThat(moved.get(0)).containsEntry("ev_type", "order.created").containsEntry("ev_data", "n=1")
                .containsEntry("ev_extra1", "shop").containsEntry("ev_extra4", "x1");
    }

    @Test
    void aRequiredPropertyLeftOutIsNamed() throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("kamelet:pgq-sink?queue=orders");
            }
        });
        try {
            assertThatThrownBy(camel::start).hasStackTraceContaining("jdbcUrl");
        } finally {
            camel.stop();
        }
    }
}
