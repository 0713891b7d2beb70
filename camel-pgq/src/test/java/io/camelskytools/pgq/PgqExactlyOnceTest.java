package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once into a target database: the route's writes and the record of the batch
 * (pgq_ext) commit together, so a crash at any point neither loses nor repeats an effect.
 */
class PgqExactlyOnceTest extends PgqComponentTestSupport {

    private TestDb source;
    private TestDb targetDb;
    private final AtomicInteger processed = new AtomicInteger();

    @Test
    void sourceDiesAfterTheTargetCommittedBeforeTheBatchWasFinished() throws Exception {
        setUp();
        // the moment the target records the batch, the consumer's source session dies: the
        // target commits, finish_batch cannot happen, and the batch comes again
        try (Sql t = targetDb.open()) {
            t.exec("create table crash_once (done boolean)");
            t.exec("insert into crash_once values (false)");
            t.exec("create function kill_source() returns trigger language plpgsql as $$ begin"
                   + " if not (select done from public.crash_once) then update public.crash_once set done = true;"
                   + " perform pg_terminate_backend(pid) from pg_stat_activity where datname = '" + source.name() + "'"
                   + " and state = 'idle in transaction'; end if; return null; end $$");
            t.exec("create trigger kill after insert or update on pgq_ext.completed_batch for each row execute function kill_source()");
        }
        run(() -> false);
        try (Sql t = targetDb.open()) {
            assertThat(t.value("select done from crash_once")).isEqualTo(true);
        }
        // the redelivered batch was recognised as applied and not processed again
        assertThat(processed.get()).isEqualTo(300);
    }

    @Test
    void targetDiesMidBatch() throws Exception {
        setUp();
        AtomicBoolean killed = new AtomicBoolean();
        run(() -> {
            if (processed.get() == 150 && killed.compareAndSet(false, true)) {
                try (Sql k = targetDb.open()) {
                    k.exec("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database()"
                           + " and pid <> pg_backend_pid() and state = 'idle in transaction'");
                }
                return true;
            }
            return false;
        });
        assertThat(killed.get()).isTrue();
        // the batch ran again from its start after the target rolled back
        assertThat(processed.get()).isGreaterThan(300);
    }

    @Test
    void queueMoverProducesIntoTheBatchTransaction() throws Exception {
        setUp();
        try (Sql t = targetDb.open()) {
            t.exec("select pgq.create_queue('moved')");
            t.exec("select pgq.register_consumer('moved', 'reader')");
        }
        PgqTargetDataSource target = new PgqTargetDataSource(dataSource(targetDb));
        camel(dataSource(source), Map.of("target", target), new RouteBuilder() {
            @Override
            public void configure() {
                // events of 'q' move to 'moved' in the target; the inserts commit with the batch record
                from("pgq:q?dataSource=#ds&consumerName=mover&targetDataSource=#target&startTick=1")
                        .setHeader(PgqConstants.EVENT_TYPE, constant("moved"))
                        .to("pgq:moved?dataSource=#target");
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sql t = targetDb.open()) {
                return t.longValue("select count(*) from pgq.event_1") == 300;
            }
        });
        try (Sql t = targetDb.open()) {
            assertThat(t.longValue("select count(distinct ev_data) from pgq.event_1 where ev_type = 'moved'")).isEqualTo(300);
            assertThat(t.longValue("select count(distinct ev_txid) from pgq.event_1")).isLessThanOrEqualTo(2);
        }
    }

    private void setUp() throws Exception {
        source = PG.db();
        targetDb = PG.newDb(0, "target");
        try (Sql s = source.open(); Sql t = targetDb.open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'loader')");
            for (int b = 0; b < 2; b++) {
                s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(?, ?) g", b * 150 + 1, b * 150 + 150);
                s.exec("select pgq.force_tick('q')");
                s.exec("select pgq.ticker()");
            }
            t.exec("create table applied (ev_id bigint, data text)");
            io.camelskytools.pgq.schema.SchemaInstaller.installPgqExt(t.connection());
        }
    }

    interface Crash {
        boolean maybe() throws Exception;
    }

    private void run(Crash crash) throws Exception {
        PgqTargetDataSource target = new PgqTargetDataSource(dataSource(targetDb));
        DataSource ds = dataSource(source);
        camel(ds, Map.of("target", target), new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().logExhausted(false));
                from("pgq:q?dataSource=#ds&consumerName=loader&targetDataSource=#target&fetchSize=25"
                     + "&backoffMultiplier=100")
                        .process(e -> {
                            processed.incrementAndGet();
                            crash.maybe();
                            // the route's own write, through the target bean: joins the batch transaction
                            try (Connection c = target.getConnection();
                                 PreparedStatement ps = c.prepareStatement("insert into applied values (?, ?)")) {
                                ps.setLong(1, e.getIn().getHeader(PgqConstants.EVENT_ID, Long.class));
                                ps.setString(2, e.getIn().getBody(String.class));
                                ps.executeUpdate();
                            }
                        });
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sql s = source.open()) {
                return s.longValue("select count(*) from pgq.get_consumer_info('q', 'loader')"
                                   + " where current_batch is null and pending_events = 0") == 1;
            }
        });
        try (Sql t = targetDb.open()) {
            assertThat(t.longValue("select count(*) from applied")).isEqualTo(300);
            assertThat(t.longValue("select count(distinct ev_id) from applied")).isEqualTo(300);
            assertThat(t.longValue("select count(*) from pgq_ext.completed_batch where consumer_id = 'loader'")).isEqualTo(1);
        }
    }
}
