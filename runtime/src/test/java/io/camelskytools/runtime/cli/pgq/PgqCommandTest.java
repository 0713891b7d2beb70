package io.camelskytools.runtime.cli.pgq;

import static io.camelskytools.runtime.cli.InProcessCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `skytools pgq ...` against a real database: output, exit codes, errors that name the problem. */
class PgqCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    @TempDir
    Path dir;

    private Result pgq(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "pgq";
        full[1] = "--db";
        full[2] = PG.db().jdbcUrl();
        System.arraycopy(args, 0, full, 3, args.length);
        return run(Map.of(), full);
    }

    @Test
    void queueLifeCycleFromTheCommandLine() throws Exception {
        assertThat(pgq("install").out()).contains("pgq: installed");
        assertThat(pgq("install").out()).contains("pgq: upgraded");
        assertThat(pgq("create-queue", "orders")).extracting(Result::exit, Result::out).containsExactly(0, "queue orders created (ticker_max_lag 0)\n");
        assertThat(pgq("create-queue", "late", "--ticker-max-lag", "soon").exit()).isNotZero();
        try (Sql s = PG.db().open()) {
            assertThat(s.value("select extract(epoch from queue_ticker_max_lag)::int from pgq.queue"
                               + " where queue_name = 'orders'")).isEqualTo(0);
            assertThat(s.longValue("select count(*) from pgq.queue where queue_name = 'late'")).as("nothing left").isZero();
        }
        assertThat(pgq("alter-queue", "orders", "--set", "ticker_max_count=10", "--set", "ticker_max_lag=5 seconds").exit()).isZero();
        assertThat(pgq("register", "orders", "billing").out()).contains("consumer billing registered on orders");
        assertThat(pgq("insert", "orders", "--type", "order.created", "{\"id\": 1}").out().strip()).matches("\\d+");
        assertThat(pgq("tick", "orders").out()).contains("queue orders at tick 2");

        Result queues = pgq("queues", "--json");
        assertThat(queues.out()).contains("\"queue_name\":\"orders\"").contains("\"last_tick_id\":2");
        Result table = pgq("consumers");
        assertThat(table.out()).startsWith("queue_name").contains("billing");
        assertThat(pgq("consumers", "orders", "--json").out()).contains("\"consumer_name\":\"billing\"")
                .contains("\"pending_events_est\":");
        try (Sql s = PG.db().open()) {
            assertThat(s.value("select queue_ticker_max_count from pgq.queue")).isEqualTo(10);
            assertThat(s.value("select ev_type from pgq.event_1")).isEqualTo("order.created");
        }

        // a batch taken and not finished shows in `batches`
        assertThat(pgq("batches", "--json").out().strip()).isEqualTo("[]");
        long batch;
        try (Sql s = PG.db().open()) {
            batch = s.longValue("select pgq.next_batch('orders', 'billing')");
        }
        Result batches = pgq("batches", "orders", "--json");
        assertThat(batches.out()).contains("\"consumer_name\":\"billing\"").contains("\"batch_id\":" + batch)
                .contains("\"prev_tick_id\":1").contains("\"tick_id\":2").contains("\"events_at_most\":1");
        assertThat(pgq("batches").out()).startsWith("queue_name").contains("billing");

        assertThat(pgq("maintenance").out()).contains("maintenance step(s) run");
        assertThat(pgq("unregister", "orders", "billing").exit()).isZero();
        Result again = pgq("unregister", "orders", "billing");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("consumer billing is not registered on orders");
        assertThat(pgq("drop-queue", "orders").exit()).isZero();
    }

    @Test
    void errorsNameWhatWasWrong() throws Exception {
        pgq("install");
        Result noQueue = pgq("drop-queue", "nope");
        assertThat(noQueue.exit()).isEqualTo(1);
        assertThat(noQueue.err()).isEqualTo("skytools: No such event queue\n");
        Result badSetting = pgq("alter-queue", "nope", "--set", "x=1");
        assertThat(badSetting.exit()).isEqualTo(1);
        Result usage = pgq("create-queue");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameter: 'QUEUE'");
        Result noDb = run(Map.of(), "pgq", "queues");
        assertThat(noDb.exit()).isEqualTo(1);
        assertThat(noDb.err()).contains("no database: give --db NAME|URL");
        Result unreachable = run(Map.of(), "pgq", "--db", "jdbc:postgresql://127.0.0.1:1/x?password=secret", "queues");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot connect to jdbc:postgresql://127.0.0.1:1/x?password=xxxxxx")
                .doesNotContain("secret");
    }

    @Test
    void namedDatabasesFromConfigAndEnvironment() throws Exception {
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, "skytools.db.main.url = " + PG.db().jdbcUrl() + "\n");
        assertThat(run(Map.of(), "pgq", "--config", cfg.toString(), "--db", "main", "install").exit()).isZero();
        assertThat(run(Map.of(), "pgq", "--config", cfg.toString(), "create-queue", "q1").out()).contains("created");
        // the environment overrides the file
        Result viaEnv = run(Map.of("SKYTOOLS_DB_MAIN_URL", "jdbc:postgresql://127.0.0.1:1/none"), "pgq", "--config",
                cfg.toString(), "queues");
        assertThat(viaEnv.exit()).isEqualTo(1);
        assertThat(viaEnv.err()).contains("127.0.0.1:1/none");
        Result unknown = run(Map.of(), "pgq", "--config", cfg.toString(), "--db", "other", "queues");
        assertThat(unknown.err()).contains("no database named 'other' (skytools.db.other.url is not set)");
        Files.writeString(cfg, "skytools.db.main.user = x\n");
        assertThat(run(Map.of(), "pgq", "--config", cfg.toString(), "queues").err())
                .contains("skytools.db.main.url is not set");
    }

    @Test
    void versionAndHelp() {
        assertThat(run(Map.of(), "--version").out()).startsWith("skytools ");
        assertThat(run(Map.of(), "pgq", "--help").out()).contains("create-queue", "consumers", "insert");
        assertThat(run(Map.of(), "bogus").exit()).isEqualTo(2);
    }
}
