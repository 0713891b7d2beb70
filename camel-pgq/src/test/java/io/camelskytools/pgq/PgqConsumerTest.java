package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

class PgqConsumerTest extends PgqComponentTestSupport {

    /** Ticks every 50 ms and moves due retries, through the component's own operations. */
    static RouteBuilder ticker() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:ticker?period=50").routeId("ticker")
                        .to("pgq:*?dataSource=#ds&operation=tick")
                        .to("pgq:*?dataSource=#ds&operation=retryEvents");
            }
        };
    }

    @Test
    void producedEventsArriveOnceWithTheirHeaders() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            eagerTicker(s, "orders");
        }
        List<Map<String, Object>> got = new CopyOnWriteArrayList<>();
        CamelContext ctx = camel(ds, ticker(), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("pgq:orders?dataSource=#ds&eventType=order");
                from("pgq:orders?dataSource=#ds&consumerName=billing").routeId("billing")
                        .process(e -> {
                            Map<String, Object> m = new java.util.HashMap<>(e.getIn().getHeaders());
                            m.put("body", e.getIn().getBody(String.class));
                            got.add(m);
                        });
            }
        });
        ProducerTemplate p = ctx.createProducerTemplate();
        await().atMost(Duration.ofSeconds(10)).until(() -> consumerRegistered("orders", "billing"));
        for (int i = 0; i < 20; i++) {
            p.sendBodyAndHeader("direct:in", "order-" + i, PgqConstants.EXTRA1, "x" + i);
        }
        List<String> list = new ArrayList<>();
        for (int i = 20; i < 320; i++) {
            list.add("order-" + i);
        }
        // 300 in one transaction: goes through COPY
        var reply = p.request("direct:in", e -> e.getIn().setBody(list));
        assertThat(reply.getException()).isNull();
        assertThat(reply.getIn().getHeader(PgqConstants.EVENT_IDS, List.class)).hasSize(300);

        await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 320);
        assertThat(got).extracting(m -> m.get("body")).containsExactlyElementsOf(expected(320));
        Map<String, Object> first = got.get(0);
        assertThat(first).containsEntry(PgqConstants.QUEUE, "orders").containsEntry(PgqConstants.CONSUMER, "billing")
                .containsEntry(PgqConstants.EVENT_TYPE, "order").containsEntry(PgqConstants.EXTRA1, "x0")
                .containsEntry(PgqConstants.RETRY, 0);
        assertThat(first.get(PgqConstants.EVENT_ID)).isInstanceOf(Long.class);
        assertThat(first.get(PgqConstants.BATCH_ID)).isInstanceOf(Long.class);
        assertThat(first.get(PgqConstants.TXID)).isInstanceOf(Long.class);
        // everything was finished: nothing is pending for billing
        await().atMost(Duration.ofSeconds(10)).until(() -> pending("orders", "billing") == 0);
    }

    @Test
    void failedEventsAreRetriedThenDeadLettered() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('jobs')");
            eagerTicker(s, "jobs");
            s.exec("select pgq.register_consumer('jobs', 'worker')");
            s.exec("select pgq.insert_event('jobs', 'job', g::text) from generate_series(1, 10) g");
        }
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        List<String> dead = new CopyOnWriteArrayList<>();
        List<String> done = new CopyOnWriteArrayList<>();
        camel(ds, ticker(), new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().logExhausted(false));
                from("pgq:jobs?dataSource=#ds&consumerName=worker&maxRetries=2&retryDelay=100ms"
                     + "&deadLetterUri=direct:dead").routeId("worker")
                        .process(e -> {
                            String body = e.getIn().getBody(String.class);
                            attempts.computeIfAbsent(body, k -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(e.getIn().getHeader(PgqConstants.RETRY, Integer.class));
                            if (Integer.parseInt(body) % 3 == 0) {
                                throw new IllegalStateException("cannot do job " + body);
                            }
                            done.add(body);
                        });
                from("direct:dead").process(e -> dead.add(e.getIn().getBody(String.class)));
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> dead.size() == 3);
        assertThat(dead).containsExactlyInAnyOrder("3", "6", "9");
        assertThat(done).containsExactlyInAnyOrder("1", "2", "4", "5", "7", "8", "10");
        for (String bad : List.of("3", "6", "9")) {
            assertThat(attempts.get(bad)).as("attempts of " + bad).containsExactly(0, 1, 2);
        }
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
        }
    }

    @Test
    void withoutDeadLetterUriTheBatchStaysOpenAndComesAgain() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            eagerTicker(s, "q");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 't', 'poison')");
        }
        AtomicBoolean healed = new AtomicBoolean();
        List<String> seen = new CopyOnWriteArrayList<>();
        camel(ds, ticker(), new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().logExhausted(false));
                from("pgq:q?dataSource=#ds&consumerName=c&maxRetries=0&backoffErrorThreshold=1&backoffMultiplier=2")
                        .process(e -> {
                            seen.add(e.getIn().getBody(String.class));
                            if (!healed.get()) {
                                throw new IllegalStateException("not yet");
                            }
                        });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 2);
        try (Sql s = PG.db().open()) {
            // the batch is still open: not finished, nothing went to the retry queue
            assertThat(s.value("select current_batch from pgq.get_consumer_info('q', 'c')")).isNotNull();
            assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
        }
        healed.set(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Sql s = PG.db().open()) {
                return s.value("select current_batch from pgq.get_consumer_info('q', 'c')") == null;
            }
        });
        assertThat(seen).containsOnly("poison");
    }

    @Test
    void batchModeDeliversListsOfEvents() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('bulk')");
            s.exec("select pgq.register_consumer('bulk', 'c')");
            s.exec("select pgq.insert_event('bulk', 't', g::text) from generate_series(1, 2500) g");
            s.exec("select pgq.force_tick('bulk')");
            s.exec("select pgq.ticker()");
        }
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        List<String> data = new CopyOnWriteArrayList<>();
        camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:bulk?dataSource=#ds&consumerName=c&batchMode=true&maxEventsPerExchange=400&fetchSize=1000")
                        .process(e -> {
                            @SuppressWarnings("unchecked")
                            List<PgqEvent> events = e.getIn().getBody(List.class);
                            sizes.add(events.size());
                            events.forEach(ev -> data.add(ev.data()));
                        });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> data.size() >= 2500);
        assertThat(data).containsExactlyElementsOf(numbers(2500));
        assertThat(sizes).allMatch(n -> n <= 400);
    }

    @Test
    void droppedConnectionMidBatchLosesNothing() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(1, 200) g");
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
        }
        AtomicBoolean killed = new AtomicBoolean();
        List<String> seen = new CopyOnWriteArrayList<>();
        camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds&consumerName=c&fetchSize=20").process(e -> {
                    String body = e.getIn().getBody(String.class);
                    seen.add(body);
                    if (body.equals("100") && killed.compareAndSet(false, true)) {
                        // the consumer's session dies in the middle of the batch
                        try (Sql s = PG.db().open()) {
                            s.exec("select pg_terminate_backend(pid) from pg_stat_activity"
                                   + " where datname = current_database() and pid <> pg_backend_pid()"
                                   + " and query like '%get_batch_events%'");
                        }
                    }
                });
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sql s = PG.db().open()) {
                return killed.get() && s.value("select current_batch from pgq.get_consumer_info('q', 'c')") == null
                       && s.longValue("select count(*) from pgq.get_consumer_info('q', 'c') where pending_events = 0") == 1;
            }
        });
        assertThat(seen).containsAll(numbers(200));
        // the interrupted batch came again from its start
        assertThat(seen.stream().filter("1"::equals).count()).isEqualTo(2);
    }

    @Test
    void badOptionsFailAtStartNamingTheOption() throws Exception {
        DataSource ds = dataSource(PG.db());
        CamelContext ctx = new org.apache.camel.impl.DefaultCamelContext();
        ctx.getRegistry().bind("ds", ds);
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds").to("log:x");
            }
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(ctx::start).hasStackTraceContaining("consumerName");
        ctx.stop();
        CamelContext ctx2 = new org.apache.camel.impl.DefaultCamelContext();
        ctx2.getRegistry().bind("ds", ds);
        ctx2.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:x").to("pgq:q?dataSource=#ds&fetchSzie=5");
            }
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(ctx2::start).hasStackTraceContaining("fetchSzie");
        ctx2.stop();
    }

    private static List<Object> expected(int n) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("order-" + i);
        }
        return out;
    }

    private static List<String> numbers(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    private static boolean consumerRegistered(String queue, String consumer) throws Exception {
        try (Sql s = PG.db().open()) {
            return !s.rows("select 1 from pgq.get_consumer_info(?, ?)", queue, consumer).isEmpty();
        }
    }

    private static long pending(String queue, String consumer) throws Exception {
        try (Sql s = PG.db().open()) {
            return s.longValue("select coalesce(pending_events, 0) + (case when current_batch is null then 0 else 1 end)"
                               + " from pgq.get_consumer_info(?, ?)", queue, consumer);
        }
    }
}
