package io.camelskytools.londiste;

import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code londiste:worker} in a Camel route: it replicates, and each applied batch reaches the route. */
class LondisteEndpointTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @Test
    void theWorkerRouteAppliesBatchesAndReportsEach() throws Exception {
        TestDb rootDb = PG.db();
        TestDb leafDb = PG.newDb(0, "leaf");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes();
             CamelContext camel = new DefaultCamelContext()) {
            root.exec("create table public.t (id int primary key, v text)");
            leaf.exec("create table public.t (id int primary key, v text)");
            new NodeSetup("eq", "r").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup("eq", "l").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb),
                    location(rootDb));
            new TableSetup("eq").addTables(root.connection(), List.of("t"), false, AddTableOptions.DEFAULTS);
            new TableSetup("eq").addTables(leaf.connection(), List.of("t"), false,
                    new AddTableOptions(true, false, false, null, List.of(), null, List.of(), null, null, null, null));
            nodes.ticker(rootDb);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("londiste:worker?queue=eq&loopDelay=200ms&db=RAW(" + location(leafDb) + ")").routeId("w")
                            .filter(header(LondisteConstants.EVENTS).isGreaterThan(0)).to("mock:batches");
                }
            });
            MockEndpoint batches = camel.getEndpoint("mock:batches", MockEndpoint.class);
            batches.expectedMinimumMessageCount(1);
            camel.start();
            root.exec("insert into t values (1, 'one'), (2, 'two')");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(leaf.column("select v from t order by id")).containsExactly("one", "two"));
            batches.assertIsSatisfied(10_000);
            Exchange first = batches.getExchanges().get(0);
            assertThat(first.getMessage().getHeader(LondisteConstants.NODE)).isEqualTo("n2");
            assertThat(first.getMessage().getHeader(LondisteConstants.QUEUE)).isEqualTo("eq");
            // the tick the batch ended at: one of the root's, and one the leaf has passed (it goes on
            // with the root's later ticks, which carry the cascade's own events)
            long tick = first.getMessage().getHeader(LondisteConstants.TICK_ID, Long.class);
            assertThat(root.longValue("select count(*) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                                      + " where q.queue_name = 'eq' and t.tick_id = ?", tick)).isOne();
            assertThat(tick).isLessThanOrEqualTo(
                    leaf.longValue("select last_tick_id from pgq_node.local_state where consumer_name = 'l'"));
        }
    }

    @Test
    void badOptionsAreRefusedWithTheReason() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("londiste:worker?queue=q").routeId("bad").to("log:x");
                }
            });
            assertThatThrownBy(camel::start).hasStackTraceContaining("set config (a londiste3 ini file), or db and queue");
        }
        try (CamelContext camel = new DefaultCamelContext()) {
            assertThatThrownBy(() -> camel.getEndpoint("londiste:copy")).hasStackTraceContaining("unknown endpoint");
        }
    }
}
