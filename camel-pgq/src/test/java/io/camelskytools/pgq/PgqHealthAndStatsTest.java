package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.sql.DataSource;

import io.camelskytools.pgq.harness.Sql;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;

class PgqHealthAndStatsTest extends PgqComponentTestSupport {

    @Test
    void lagHealthCheckAndManagedCounters() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
        }
        CountDownLatch release = new CountDownLatch(1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext ctx = camel(ds, java.util.Map.of("meters", meters), new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds&consumerName=c&healthMaxLag=2s").routeId("slow")
                        .process(e -> release.await(60, TimeUnit.SECONDS));
            }
        });
        tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> lagCheck(ctx).getState() == HealthCheck.State.UP);
        assertThat(lagCheck(ctx).getDetails()).containsKeys("lag.seconds", "pending.events", "ticker.lag.seconds");

        try (Sql s = PG.db().open()) {
            s.exec("select pgq.insert_event('q', 't', 'x')");
        }
        tick();
        // the consumer holds the batch: its position ages past healthMaxLag
        await().atMost(Duration.ofSeconds(15)).until(() -> lagCheck(ctx).getState() == HealthCheck.State.DOWN);
        assertThat(lagCheck(ctx).getMessage()).get().asString().contains("behind");
        release.countDown();
        tick();
        await().atMost(Duration.ofSeconds(15)).until(() -> lagCheck(ctx).getState() == HealthCheck.State.UP);

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = jmx.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null);
        ObjectName consumer = names.stream().filter(n -> n.toString().contains("PgqConsumer")).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Long) jmx.getAttribute(consumer, "EventsConsumed")) >= 1);
        assertThat((Long) jmx.getAttribute(consumer, "BatchesFinished")).isGreaterThanOrEqualTo(2);

        // and the same through Micrometer, when the application has a registry
        assertThat(meters.get("pgq.events.consumed").tags("queue", "q", "consumer", "c").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("pgq.batch.duration").timer().count()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("pgq.consumer.lag.seconds").gauge().value()).isBetween(0.0, 60.0);
    }

    @Test
    void tickerThatStoppedTickingIsReported() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
        }
        CamelContext ctx = camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds&consumerName=c&healthMaxTickerLag=1s").process(e -> { });
            }
        });
        // nobody ticks: after a second the check says so
        await().atMost(Duration.ofSeconds(15)).until(() -> lagCheck(ctx).getState() == HealthCheck.State.DOWN);
        assertThat(lagCheck(ctx).getMessage()).get().asString().contains("has not ticked").contains("is a ticker running?");
        tick();
        await().atMost(Duration.ofSeconds(15)).until(() -> lagCheck(ctx).getState() == HealthCheck.State.UP);
    }

    private static void tick() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
        }
    }

    private static HealthCheck.Result lagCheck(CamelContext ctx) {
        return HealthCheckHelper.invoke(ctx).stream().filter(r -> r.getCheck().getId().equals("pgq-lag-q-c")).findFirst()
                .orElseThrow(() -> new AssertionError("no pgq-lag-q-c health check"));
    }
}
