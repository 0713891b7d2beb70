package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Events commit with the route's other database work, or not at all. */
class PgqTransactedProducerTest extends PgqComponentTestSupport {

    @Test
    void eventsCommitAndRollBackWithTheRoute() throws Exception {
        PgqTargetDataSource db = new PgqTargetDataSource(dataSource(PG.db()));
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("create table orders (id int primary key)");
        }
        CamelContext ctx = camel(db, Map.of("appDb", db, "appTx", new PgqTransactionPolicy(db)), new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:order").transacted("appTx")
                        .process(e -> {
                            try (Connection c = db.getConnection();
                                 PreparedStatement ps = c.prepareStatement("insert into orders values (?)")) {
                                ps.setInt(1, e.getIn().getBody(Integer.class));
                                ps.executeUpdate();
                            }
                        })
                        .to("pgq:orders?dataSource=#appDb")
                        .setBody(constant(List.of("a", "b", "c")))
                        .to("pgq:orders?dataSource=#appDb&copyThreshold=2")
                        .filter(header("fail").isEqualTo(true))
                        .throwException(new IllegalStateException("order refused"));
            }
        });
        ctx.createProducerTemplate().sendBody("direct:order", 1);
        Exchange failed = ctx.createProducerTemplate().request("direct:order", e -> {
            e.getIn().setBody(2);
            e.getIn().setHeader("fail", true);
        });
        assertThat(failed.getException()).hasMessageContaining("order refused");
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select id from orders")).containsExactly(1);
            // one order's events (1 single + 3 copied), all in the committed transaction
            assertThat(s.longValue("select count(*) from pgq.event_1")).isEqualTo(4);
            assertThat(s.longValue("select count(distinct ev_txid) from pgq.event_1")).isEqualTo(1);
        }
    }
}
