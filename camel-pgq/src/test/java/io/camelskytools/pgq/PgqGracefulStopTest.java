package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Stopping in the middle of a batch: finished, or left whole for the next run, never half-done. */
class PgqGracefulStopTest extends PgqComponentTestSupport {

    @Test
    void stopMidBatchThenResume() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(1, 500) g");
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
        }
        Set<String> firstRun = ConcurrentHashMap.newKeySet();
        CamelContext first = camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds&consumerName=c&fetchSize=50").process(e -> {
                    firstRun.add(e.getIn().getBody(String.class));
                    Thread.sleep(20);
                });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> firstRun.size() >= 50);
        // Camel waits for the batch in hand up to its shutdown timeout; past that the consumer
        // stops between two events and the batch stays whole for the next run
        first.getShutdownStrategy().setTimeout(1);
        first.stop();
        assertThat(firstRun.size()).isLessThan(500);
        try (Sql s = PG.db().open()) {
            // left open, nothing finished or half-retried
            assertThat(s.value("select current_batch from pgq.get_consumer_info('q', 'c')")).isNotNull();
            assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
        }

        Set<String> secondRun = ConcurrentHashMap.newKeySet();
        camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds&consumerName=c").process(e -> secondRun.add(e.getIn().getBody(String.class)));
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> secondRun.size() == 500);
        try (Sql s = PG.db().open()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> s.value("select current_batch from pgq.get_consumer_info('q', 'c')") == null);
        }
    }

    @Test
    void gracefulStopFinishesTheBatchInHand() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('g')");
            s.exec("select pgq.register_consumer('g', 'c')");
            s.exec("select pgq.insert_event('g', 't', g::text) from generate_series(1, 60) g");
            s.exec("select pgq.force_tick('g')");
            s.exec("select pgq.ticker()");
        }
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Integer> pendingSeen = new CopyOnWriteArrayList<>();
        CamelContext camel = camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:g?dataSource=#ds&consumerName=c").routeId("slow").process(e -> {
                    seen.add(e.getIn().getBody(String.class));
                    pendingSeen.add(((PgqConsumer) e.getContext().getRoute("slow").getConsumer()).getPendingExchangesSize());
                    Thread.sleep(20);
                });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 5);
        PgqConsumer consumer = (PgqConsumer) camel.getRoute("slow").getConsumer();
        camel.getShutdownStrategy().setTimeout(30);
        camel.stop();

        // the batch in hand counted as pending work all along, so the stop waited for all of it
        assertThat(pendingSeen).isNotEmpty().allMatch(n -> n >= 1);
        assertThat(consumer.getPendingExchangesSize()).isZero();
        assertThat(seen).hasSize(60);
        try (Sql s = PG.db().open()) {
            assertThat(s.value("select current_batch from pgq.get_consumer_info('g', 'c')")).isNull();
        }
    }
}
