package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** With our schema the consumer wakes on the tick's NOTIFY, long before its idle wait is over. */
@Tag("ours-only")
class PgqTickWakeUpTest extends PgqComponentTestSupport {

    @Test
    void tickNotificationWakesTheConsumer() throws Exception {
        DataSource ds = dataSource(PG.db());
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
        }
        List<String> got = new CopyOnWriteArrayList<>();
        camel(ds, new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:q?dataSource=#ds&consumerName=c&idleWait=1h").process(e -> got.add(e.getIn().getBody(String.class)));
            }
        });
        // let the consumer go idle, waiting for a tick
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> listening(ds));
        for (int i = 0; i < 3; i++) {
            try (Sql s = PG.db().open()) {
                s.exec("select pgq.insert_event('q', 't', ?)", "e" + i);
                s.exec("select pgq.force_tick('q')");
                s.exec("select pgq.ticker()");
            }
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == expected);
        }
        assertThat(got).containsExactly("e0", "e1", "e2");
    }

    private static boolean listening(DataSource ds) throws Exception {
        try (Sql s = PG.db().open()) {
            return s.longValue("select count(*) from pg_stat_activity where query like 'listen %'") > 0;
        }
    }
}
