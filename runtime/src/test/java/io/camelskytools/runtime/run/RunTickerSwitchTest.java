package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * skytools.db.NAME.ticker=false leaves a database's ticking to pgqd: no ticks from the runtime
 * there while it ticks the other database; and with one database, pgq: endpoints need no dataSource.
 */
class RunTickerSwitchTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    @Test
    void aDatabaseWithTheTickerOffIsNotTicked() throws Exception {
        TestDb ticked = PG.db();
        TestDb byPgqd = PG.newDb(0, "by_pgqd");
        for (TestDb db : new TestDb[] {ticked, byPgqd}) {
            try (Sql s = db.open()) {
                s.exec("select pgq.create_queue('orders')");
                // ticks as soon as an event is new
                s.exec("select pgq.set_queue_config('orders', 'ticker_max_lag', '0')");
            }
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + ticked.jdbcUrl(),
                "skytools.db.other.url = " + byPgqd.jdbcUrl(),
                "skytools.db.other.ticker = false",
                "skytools.ticker.period = 100ms",
                "skytools.management.enabled = false", ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "10");
        await().atMost(Duration.ofSeconds(30)).until(() -> run.out().contains("ticker every 100 ms"));
        long otherTicks = ticks(byPgqd);
        for (TestDb db : new TestDb[] {ticked, byPgqd}) {
            try (Sql s = db.open()) {
                s.exec("select pgq.insert_event('orders', 'order', 'new')");
            }
        }
        // the runtime ticks the first database's new event, several times over its period...
        long mainTicks = ticks(ticked);
        await().atMost(Duration.ofSeconds(30)).until(() -> newEvents(ticked) == 0 && ticks(ticked) > mainTicks);
        assertThat(run.exit(60)).as(run.err()).isZero();
        // ...and never the other's, whose event still waits for a ticker
        assertThat(ticks(byPgqd)).isEqualTo(otherTicks);
        assertThat(run.out()).contains("database other ").contains("ticker, retry and maintenance routes off"
                + " (skytools.db.other.ticker=false)").contains("ticker every 100 ms (250 ms when no queue ticked for a second), retries every 30 s, maintenance"
                + " every 120 s on main");
    }

    @Test
    void theOnlyDatabaseIsTheDefaultOfPgqEndpoints() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('greetings')");
        }
        Path routes = dir.resolve("greet.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: greeter",
                "    from:",
                "      uri: \"timer:greet?repeatCount=1\"",
                "      steps:",
                "        - setBody:",
                "            constant: \"hello\"",
                "        - to: \"pgq:greetings\"", ""));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.management.enabled = false",
                // a second DataSource bean of the user's: Camel's autowiring would give up, the default stays
                "camel.beans.reporting = #class:org.postgresql.ds.PGSimpleDataSource",
                "camel.beans.reporting.url = " + PG.db().jdbcUrl(), ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--routes", "file:" + routes,
                "--duration", "8");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sql s = PG.db().open()) {
                return s.longValue("select count(*) from pgq.event_template") > 0;
            }
        });
        try (Sql s = PG.db().open()) {
            assertThat(s.value("select ev_data from pgq.event_template")).isEqualTo("hello");
        }
        assertThat(run.exit(60)).as(run.err()).isZero();
        assertThat(run.out()).contains("pgq: endpoints without dataSource use database main (the only one)");
    }

    private static long ticks(TestDb db) throws Exception {
        try (Sql s = db.open()) {
            return s.longValue("select count(*) from pgq.tick");
        }
    }

    private static long newEvents(TestDb db) throws Exception {
        try (Sql s = db.open()) {
            return s.longValue("select ev_new from pgq.get_queue_info('orders')");
        }
    }
}
