package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.client.NewEvent;
import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

class PgqProducerTest extends PgqComponentTestSupport {

    record Order(int id, String customer) {
    }

    @Test
    void bodiesBecomeEventData() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
        }
        CamelContext ctx = camel(dataSource(PG.db()), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("pgq:q?dataSource=#ds&eventType=default");
            }
        });
        ProducerTemplate p = ctx.createProducerTemplate();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", 7);
        map.put("tags", List.of("a", "b"));
        p.sendBody("direct:in", map);
        p.sendBody("direct:in", new Order(8, "Zoë"));
        p.sendBody("direct:in", 42);
        p.sendBody("direct:in", List.of(new NewEvent("custom", "raw", "x1", null, null, "x4"), Map.of("k", "v")));
        try (Sql s = PG.db().open()) {
            var rows = s.rows("select ev_type, ev_data, ev_extra1, ev_extra4 from pgq.event_1 order by ev_id");
            assertThat(rows).extracting(r -> r.get("ev_data"))
                    .containsExactly("{\"id\":7,\"tags\":[\"a\",\"b\"]}", "{\"id\":8,\"customer\":\"Zoë\"}", "42", "raw",
                            "{\"k\":\"v\"}");
            assertThat(rows.get(3)).containsEntry("ev_type", "custom").containsEntry("ev_extra1", "x1")
                    .containsEntry("ev_extra4", "x4");
            assertThat(rows.get(4)).containsEntry("ev_type", "default");
        }
    }

    @Test
    void adminOperations() throws Exception {
        CamelContext ctx = camel(dataSource(PG.db()), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:admin").toD("pgq:${header.queue}?dataSource=#ds&consumerName=ops");
            }
        });
        ProducerTemplate p = ctx.createProducerTemplate();
        Map<String, Object> q = Map.of("queue", "jobs");
        assertThat(p.requestBodyAndHeaders("direct:admin", null, with(q, "createQueue"))).isEqualTo(1);
        p.requestBodyAndHeaders("direct:admin", Map.of("ticker_max_count", "7"), with(q, "setQueueConfig"));
        assertThat(p.requestBodyAndHeaders("direct:admin", null, with(q, "registerConsumer"))).isEqualTo(1);
        p.requestBodyAndHeaders("direct:admin", "hello", q);
        long tick = (Long) p.requestBodyAndHeaders("direct:admin", null, with(q, "forceTick"));
        assertThat(tick).isEqualTo(2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> queues = (List<Map<String, Object>>) p.requestBodyAndHeaders("direct:admin", null,
                with(Map.of("queue", "*"), "queueInfo"));
        assertThat(queues).singleElement().satisfies(r -> assertThat(r).containsEntry("queue_name", "jobs")
                .containsEntry("queue_ticker_max_count", 7));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> consumers = (List<Map<String, Object>>) p.requestBodyAndHeaders("direct:admin", null,
                with(q, "consumerInfo"));
        assertThat(consumers).singleElement().satisfies(r -> assertThat(r).containsEntry("consumer_name", "ops")
                .containsEntry("last_tick", 1L));
        assertThat((Integer) p.requestBodyAndHeaders("direct:admin", null, with(q, "maintenance"))).isGreaterThanOrEqualTo(0);
        assertThat(p.requestBodyAndHeaders("direct:admin", null, with(q, "unregisterConsumer"))).isEqualTo(1);
        assertThat(p.requestBodyAndHeaders("direct:admin", null, with(q, "dropQueue"))).isEqualTo(1);
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(*) from pgq.queue")).isZero();
        }
    }

    private static Map<String, Object> with(Map<String, Object> headers, String op) {
        Map<String, Object> m = new LinkedHashMap<>(headers);
        m.put(PgqConstants.OPERATION, op);
        return m;
    }
}
