package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Options set once on the component, overridden per endpoint, and checked in one place. */
class PgqConfigurationTest {

    private CamelContext camel;
    private PgqComponent pgq;

    @BeforeEach
    void camel() {
        camel = new DefaultCamelContext();
        pgq = camel.getComponent("pgq", PgqComponent.class);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void componentOptionsReachEveryEndpointAndEndpointOptionsStayTheirOwn() {
        // what camel.component.pgq.retryDelay=5m and friends do in Camel Main
        PropertyBindingSupport.build().bind(camel, pgq, "retryDelay", "5m");
        PropertyBindingSupport.build().bind(camel, pgq, "maxRetries", "9");
        PropertyBindingSupport.build().bind(camel, pgq, "jdbcUrl", "jdbc:postgresql://db.example/app");

        PgqEndpoint plain = camel.getEndpoint("pgq:orders?consumerName=billing", PgqEndpoint.class);
        PgqEndpoint own = camel.getEndpoint("pgq:audit?consumerName=billing&retryDelay=10s", PgqEndpoint.class);

        assertThat(plain.getConfiguration().getRetryDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(plain.getConfiguration().getMaxRetries()).isEqualTo(9);
        assertThat(plain.getConfiguration().getJdbcUrl()).isEqualTo("jdbc:postgresql://db.example/app");
        assertThat(own.getConfiguration().getRetryDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(pgq.getConfiguration().getRetryDelay()).as("the component's stays").isEqualTo(Duration.ofMinutes(5));
        assertThat(plain.getConfiguration()).isNotSameAs(own.getConfiguration()).isNotSameAs(pgq.getConfiguration());
    }

    @Test
    void badOptionsAreRefusedWithTheOptionAndItsValue() {
        pgq.setDataSource(new PGSimpleDataSource());
        assertThat(refusal("pgq:q?consumerName=c&fetchSize=0")).isEqualTo("pgq:q: fetchSize must be at least 1, not 0");
        assertThat(refusal("pgq:q?consumerName=c&maxRetries=-1")).isEqualTo("pgq:q: maxRetries must be at least 0, not -1");
        assertThat(refusal("pgq:q?consumerName=c&batchMode=true&maxEventsPerExchange=0"))
                .isEqualTo("pgq:q: maxEventsPerExchange must be at least 1, not 0");
        assertThat(refusal("pgq:q?consumerName=c&idleWait=0s")).isEqualTo("pgq:q: idleWait must be a positive duration, not PT0S");
        assertThat(refusal("pgq:q?consumerName=c&subconsumer=%20")).isEqualTo("pgq:q: subconsumer must not be blank");
        assertThat(refusal("pgq:q")).isEqualTo("pgq:q: consuming needs the consumerName option");
    }

    @Test
    void anEndpointWithoutDatabaseSaysWhereToSetOne() {
        PgqEndpoint endpoint = camel.getEndpoint("pgq:q", PgqEndpoint.class);
        assertThatThrownBy(endpoint::createProducer).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pgq:q: no database; set dataSource or jdbcUrl on the endpoint, or a DataSource on the pgq"
                            + " component");
    }

    private String refusal(String uri) {
        PgqEndpoint endpoint = camel.getEndpoint(uri, PgqEndpoint.class);
        try {
            endpoint.createConsumer(exchange -> { });
        } catch (Exception e) {
            assertThat(e).isInstanceOf(IllegalArgumentException.class);
            return e.getMessage();
        }
        throw new AssertionError(uri + " was accepted");
    }

    @Test
    void anEndpointsOwnJdbcUrlWinsOverAnAutowiredDataSource() throws Exception {
        // a lone DataSource bean is autowired into the component and its endpoints
        PGSimpleDataSource lone = new PGSimpleDataSource();
        lone.setUrl("jdbc:postgresql://lone.example/app");
        camel.getRegistry().bind("lone", lone);
        camel.start();

        PgqEndpoint own = camel.getEndpoint("pgq:orders?jdbcUrl=jdbc:postgresql://own.example/app", PgqEndpoint.class);
        PgqEndpoint inherited = camel.getEndpoint("pgq:orders", PgqEndpoint.class);
        PgqEndpoint named = camel.getEndpoint("pgq:orders?dataSource=#lone&jdbcUrl=jdbc:postgresql://own.example/x",
                PgqEndpoint.class);
        own.start();
        inherited.start();
        named.start();
        try {
            assertThat(own.getDataSource()).isNotSameAs(lone)
                    .isInstanceOfSatisfying(com.zaxxer.hikari.HikariDataSource.class,
                            h -> assertThat(h.getJdbcUrl()).isEqualTo("jdbc:postgresql://own.example/app"));
            assertThat(inherited.getDataSource()).isSameAs(lone);
            assertThat(named.getDataSource()).as("a dataSource named in the URI wins").isSameAs(lone);
        } finally {
            own.stop();
        }
    }
}
