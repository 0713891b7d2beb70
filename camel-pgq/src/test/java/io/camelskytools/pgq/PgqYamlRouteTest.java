package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** The component from Camel's YAML DSL, as the docs show it. */
class PgqYamlRouteTest extends PgqComponentTestSupport {

    private static final String ROUTES = """
            - route:
                id: produce
                from:
                  uri: direct:orders
                  steps:
                    - setHeader:
                        name: CamelPgqEventType
                        constant: order.created
                    - to:
                        uri: pgq:orders
                        parameters:
                          dataSource: "#ds"
            - route:
                id: consume
                from:
                  uri: pgq:orders
                  parameters:
                    dataSource: "#ds"
                    consumerName: shipping
                  steps:
                    - setBody:
                        simple: "${header.CamelPgqEventType}:${body}"
                    - to: direct:shipped
            """;

    @Test
    void yamlRoutesProduceAndConsume() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("select pgq.register_consumer('orders', 'shipping')");
        }
        List<String> shipped = new CopyOnWriteArrayList<>();
        CamelContext ctx = camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:shipped").process(e -> shipped.add(e.getIn().getBody(String.class)));
            }
        });
        PluginHelper.getRoutesLoader(ctx).loadRoutes(ResourceHelper.fromString("orders.yaml", ROUTES));
        ctx.createProducerTemplate().sendBody("direct:orders", "42");
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.force_tick('orders')");
            s.exec("select pgq.ticker()");
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> !shipped.isEmpty());
        assertThat(shipped).containsExactly("order.created:42");
    }
}
