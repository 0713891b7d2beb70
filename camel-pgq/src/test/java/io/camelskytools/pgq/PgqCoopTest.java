package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subconsumers (pgq_coop) share one consumer's batches, and take over a dead sibling's batch. */
class PgqCoopTest extends PgqComponentTestSupport {

    @RegisterExtension
    static final PgExtension COOP = PgExtension.servers(1).withPgqCoop();

    @Test
    void subconsumersInTwoContextsShareTheBatches() throws Exception {
        DataSource ds = dataSource(COOP.db());
        try (Sql s = COOP.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'workers')");
        }
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perWorker = new ConcurrentHashMap<>();
        for (String worker : List.of("w1", "w2")) {
            camel(ds, new RouteBuilder() {
                @Override
                public void configure() {
                    from("pgq:q?dataSource=#ds&consumerName=workers&subconsumer=" + worker + "&idleWait=100ms")
                            .process(e -> {
                                seen.computeIfAbsent(e.getIn().getBody(String.class), k -> new AtomicInteger()).incrementAndGet();
                                perWorker.computeIfAbsent(worker, k -> new AtomicInteger()).incrementAndGet();
                                Thread.sleep(2);
                            });
                }
            });
        }
        try (Sql s = COOP.db().open()) {
            for (int b = 0; b < 30; b++) {
                s.exec("select pgq.insert_event('q', 't', ?)", "b" + b + "-1");
                s.exec("select pgq.insert_event('q', 't', ?)", "b" + b + "-2");
                s.exec("select pgq.force_tick('q')");
                s.exec("select pgq.ticker()");
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 60);
        assertThat(seen.values()).allMatch(n -> n.get() == 1);
        assertThat(perWorker).containsKeys("w1", "w2");
        try (Sql s = COOP.db().open()) {
            assertThat(s.column("select consumer_name from pgq.get_consumer_info('q') order by 1"))
                    .containsExactly("workers", "workers.w1", "workers.w2");
        }
    }

    @Test
    void aDeadSubconsumersBatchIsTakenOver() throws Exception {
        DataSource ds = dataSource(COOP.db());
        try (Sql s = COOP.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq_coop.register_subconsumer('q', 'workers', 'crashed')");
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(1, 5) g");
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
            // 'crashed' takes the batch and never finishes it
            assertThat(s.value("select pgq_coop.next_batch('q', 'workers', 'crashed')")).isNotNull();
            s.exec("update pgq.subscription set sub_active = now() - interval '1 hour' where sub_batch is not null");
        }
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds&consumerName=workers&subconsumer=alive&deadInterval=1m")
                        .process(e -> seen.computeIfAbsent(e.getIn().getBody(String.class), k -> new AtomicInteger())
                                .incrementAndGet());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 5);
        assertThat(seen.values()).allMatch(n -> n.get() == 1);
        try (Sql s = COOP.db().open()) {
            assertThat(s.column("select consumer_name from pgq.get_consumer_info('q') order by 1"))
                    .doesNotContain("workers.crashed");
        }
    }
}
