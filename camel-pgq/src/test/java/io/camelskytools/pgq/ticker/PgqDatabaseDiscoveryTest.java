package io.camelskytools.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Like pgqd without database_list: every database with pgq is found and ticked, new ones too. */
class PgqDatabaseDiscoveryTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @Test
    void findsAndTicksEveryPgqDatabase() throws Exception {
        TestDb first = PG.db();
        prepare(first);
        try (Sql s = new Sql(DriverManager.getConnection(PG.server(0).jdbcUrl("postgres")))) {
            s.exec("create database no_pgq_here template template0");
        }
        PgqDatabaseDiscovery discovery = new PgqDatabaseDiscovery(PG.server(0).jdbcUrl("postgres"), "postgres", null)
                .checkPeriod(Duration.ofMillis(300)).tickerPeriod(Duration.ofMillis(50));
        CamelContext ctx = new DefaultCamelContext();
        ctx.addRoutes(discovery);
        ctx.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> lastTick(first) > 1);
            TestDb later = PG.newDb(0, "later");
            prepare(later);
            await().atMost(Duration.ofSeconds(20)).until(() -> lastTick(later) > 1);
            assertThat(discovery.served()).contains(first.name(), later.name()).doesNotContain("no_pgq_here", "postgres");
        } finally {
            ctx.stop();
            discovery.close();
        }
    }

    private static void prepare(TestDb db) throws Exception {
        try (Sql s = db.open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '0')");
            s.exec("select pgq.insert_event('q', 't', 'x')");
            s.exec("select pgq.insert_event('q', 't', 'y')");
        }
    }

    private static long lastTick(TestDb db) throws Exception {
        try (Sql s = db.open()) {
            return s.longValue("select last_tick_id from pgq.get_queue_info('q')");
        }
    }
}
