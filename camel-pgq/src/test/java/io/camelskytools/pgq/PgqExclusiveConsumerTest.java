package io.camelskytools.pgq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Camel contexts ("processes" a and b) run the same pgq: route on one queue and consumer
 * name. The consumer is exclusive by default: one takes batches, the other stands by. The
 * leader's lock session is ended with pg_terminate_backend, again and again, under load; each
 * route records every event it handled with its member id and batch id, and the rows show one
 * run of work per leadership, no event lost, and doubles only from a batch in hand at a
 * handover (none in exactly-once mode).
 */
class PgqExclusiveConsumerTest extends PgqComponentTestSupport {

    @RegisterExtension
    static final PgExtension COOP = PgExtension.servers(1).withPgqCoop();

    private static final int HANDOVERS = 3;

    private final AtomicBoolean producing = new AtomicBoolean();
    private final AtomicLong produced = new AtomicLong();
    private Thread producer;

    @AfterEach
    void stopProducer() throws InterruptedException {
        producing.set(false);
        if (producer != null) {
            producer.join(10_000);
        }
    }

    @Test
    void oneMemberTakesTheBatchesAndTheOtherTakesOverWhenItsLockSessionIsEnded() throws Exception {
        TestDb db = COOP.db();
        prepare(db);
        DataSource ds = dataSource(db);
        for (String member : List.of("a", "b")) {
            member(ds, member, "pgq:q?dataSource=#ds&consumerName=c&idleWait=100ms", ds);
        }
        startProducing(db);
        String leader = awaitWorker(db, null);
        for (int i = 0; i < HANDOVERS; i++) {
            awaitLockSessions(db, 2);
            long t0 = System.nanoTime();
            terminateLockSession(db, leader);
            String next = awaitWorker(db, other(leader));
            System.out.printf("exclusive consumer: %s -> %s %d ms after its lock session was ended%n", leader, next,
                    (System.nanoTime() - t0) / 1_000_000);
            leader = next;
        }
        stopProducingAndAwaitAll(db);

        try (Sql s = db.open()) {
            assertThat(runsOfWork(s)).as("one run of work per leadership").hasSize(HANDOVERS + 1);
            List<Object> doubledBatches = s.column("select distinct batch from seen where ev in"
                                                   + " (select ev from seen group by ev having count(*) > 1)");
            // a batch in hand at a handover comes again to the new leader; nothing else is repeated
            assertThat(doubledBatches.size()).isLessThanOrEqualTo(HANDOVERS);
            for (Object batch : doubledBatches) {
                assertThat(s.longValue("select count(distinct member) from seen where batch = ?", batch))
                        .as("batch %s was repeated by the next leader", batch).isEqualTo(2);
            }
        }
    }

    @Test
    void exactlyOnceConsumersRepeatNothingAcrossHandovers() throws Exception {
        TestDb db = COOP.db();
        prepare(db);
        DataSource ds = dataSource(db);
        PgqTargetDataSource target = new PgqTargetDataSource(ds);
        for (String member : List.of("a", "b")) {
            member(ds, member, "pgq:q?dataSource=#ds&consumerName=c&idleWait=100ms&targetDataSource=#target", target);
        }
        startProducing(db);
        String leader = awaitWorker(db, null);
        for (int i = 0; i < HANDOVERS; i++) {
            awaitLockSessions(db, 2);
            terminateLockSession(db, leader);
            leader = awaitWorker(db, other(leader));
        }
        stopProducingAndAwaitAll(db);
        try (Sql s = db.open()) {
            assertThat(s.longValue("select count(*) from seen")).isEqualTo(produced.get());
            assertThat(s.longValue("select count(distinct member) from seen")).isEqualTo(2);
        }
    }

    @Test
    void coopConsumersTakeTheirInstanceIdAsSubconsumerAndShareTheWork() throws Exception {
        TestDb db = COOP.db();
        prepare(db);
        DataSource ds = dataSource(db);
        for (String member : List.of("a", "b")) {
            member(ds, member, "pgq:q?dataSource=#ds&consumerName=c&coop=true&idleWait=100ms", ds);
        }
        startProducing(db);
        awaitWorker(db, "a");
        awaitWorker(db, "b");
        stopProducingAndAwaitAll(db);
        try (Sql s = db.open()) {
            assertThat(s.longValue("select count(*) from seen")).isEqualTo(produced.get());
            assertThat(s.column("select consumer_name from pgq.get_consumer_info('q') order by 1"))
                    .containsExactly("c", "c.a", "c.b");
            // each subconsumer is exclusive on its own: one lock per instance
            assertThat(s.longValue("select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                                   + " where l.locktype = 'advisory' and l.granted and a.application_name like 'skytools-cluster %'"))
                    .isEqualTo(2);
        }
    }

    @Test
    void notExclusiveBothCopiesAreHandedTheSameOpenBatch() throws Exception {
        TestDb db = COOP.db();
        prepare(db);
        DataSource ds = dataSource(db);
        for (String member : List.of("a", "b")) {
            PgqComponent pgq = new PgqComponent();
            pgq.setInstanceId(member);
            camel(ds, Map.of("pgq", pgq), new RouteBuilder() {
                @Override
                public void configure() {
                    from("pgq:q?dataSource=#ds&consumerName=c&exclusive=false&idleWait=100ms").process(e -> {
                        long batch = e.getIn().getHeader(PgqConstants.BATCH_ID, Long.class);
                        try (Sql s = db.open()) {
                            s.exec("insert into seen (ev, member, batch) values (?, ?, ?)",
                                    Long.parseLong(e.getIn().getBody(String.class)), member, batch);
                        }
                        // hold the batch until the other copy works on it too: both are handed the open batch
                        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
                            try (Sql s = db.open()) {
                                return s.longValue("select count(*) from seen where batch = ? and member = ?", batch,
                                        other(member)) > 0;
                            }
                        });
                    });
                }
            });
        }
        try (Sql s = db.open()) {
            s.exec("select pgq.insert_event('q', 'n', g::text) from generate_series(1, 10) g");
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Sql s = db.open()) {
                return s.longValue("select count(*) from seen") == 20;
            }
        });
        try (Sql s = db.open()) {
            assertThat(s.longValue("select count(distinct ev) from seen where member = 'a'")).isEqualTo(10);
            assertThat(s.longValue("select count(distinct ev) from seen where member = 'b'")).isEqualTo(10);
            assertThat(s.longValue("select count(distinct batch) from seen")).isEqualTo(1);
        }
    }

    private static void prepare(TestDb db) throws Exception {
        try (Sql s = db.open()) {
            s.exec("create table seen (id bigserial primary key, ev bigint not null, member text not null,"
                   + " batch bigint not null)");
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
        }
    }

    /** A context with the route, its pgq component set up as process {@code id}; rows are written through {@code writes}. */
    private CamelContext member(DataSource ds, String id, String uri, DataSource writes) throws Exception {
        PgqComponent pgq = new PgqComponent();
        pgq.setInstanceId(id);
        pgq.setClusterPeriod(Duration.ofMillis(200));
        pgq.setClusterValidationTimeout(Duration.ofMillis(500));
        pgq.setClusterTakeoverDelay(Duration.ofMillis(1500));
        return camel(ds, Map.of("pgq", pgq, "target", writes), new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("work-" + id).process(e -> {
                    try (Connection c = writes.getConnection();
                         PreparedStatement ps = c.prepareStatement("insert into seen (ev, member, batch) values (?, ?, ?)")) {
                        ps.setLong(1, Long.parseLong(e.getIn().getBody(String.class)));
                        ps.setString(2, id);
                        ps.setLong(3, e.getIn().getHeader(PgqConstants.BATCH_ID, Long.class));
                        ps.executeUpdate();
                    }
                    // some work per event, so that a batch is in hand when leadership moves
                    Thread.sleep(2);
                });
            }
        });
    }

    /** Inserts 10 events and ticks, about 25 times a second, until stopped; event data 1, 2, 3 ... */
    private void startProducing(TestDb db) {
        producing.set(true);
        producer = new Thread(() -> {
            try (Sql s = db.open()) {
                while (producing.get()) {
                    long from = produced.get() + 1;
                    s.exec("select pgq.insert_event('q', 'n', g::text) from generate_series(?::bigint, ?::bigint) g", from, from + 9);
                    produced.addAndGet(10);
                    s.exec("select pgq.force_tick('q')");
                    s.exec("select pgq.ticker()");
                    Thread.sleep(40);
                }
            } catch (Exception e) {
                throw new IllegalStateException("producer failed", e);
            }
        }, "test-producer");
        producer.start();
    }

    private void stopProducingAndAwaitAll(TestDb db) throws Exception {
        producing.set(false);
        producer.join(10_000);
        try (Sql s = db.open()) {
            s.exec("select pgq.force_tick('q')");
            s.exec("select pgq.ticker()");
        }
        long expected = produced.get();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Sql s = db.open()) {
                return s.longValue("select count(distinct ev) from seen") == expected;
            }
        });
        try (Sql s = db.open()) {
            assertThat(s.longValue("select count(*) from seen where ev not between 1 and ?", expected)).isZero();
        }
    }

    /** The members in the order their work was committed, one entry per run of rows by the same member. */
    private static List<String> runsOfWork(Sql s) throws Exception {
        List<String> runs = new ArrayList<>();
        for (Object m : s.column("select member from seen order by id")) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(m)) {
                runs.add((String) m);
            }
        }
        return runs;
    }

    private static String other(String member) {
        return member.equals("a") ? "b" : "a";
    }

    /** Waits for fresh work (by {@code member}, or by anyone) and returns who did it. */
    private static String awaitWorker(TestDb db, String member) throws Exception {
        long since;
        try (Sql s = db.open()) {
            since = s.longValue("select coalesce(max(id), 0) from seen");
        }
        String[] worker = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Sql s = db.open()) {
                List<Object> m = s.column("select member from seen where id > ? and (member = ? or ? = '')"
                                          + " order by id desc limit 1", since, member == null ? "" : member,
                        member == null ? "" : member);
                worker[0] = m.isEmpty() ? null : (String) m.get(0);
                return worker[0] != null;
            }
        });
        return worker[0];
    }

    private static void awaitLockSessions(TestDb db, int count) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Sql s = db.open()) {
                return s.longValue("select count(*) from pg_stat_activity where application_name like 'skytools-cluster %'")
                       == count;
            }
        });
    }

    private static void terminateLockSession(TestDb db, String member) throws Exception {
        try (Sql s = db.open()) {
            List<Object> pids = s.column("select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                                         + " where l.locktype = 'advisory' and l.granted and a.application_name = ?",
                    "skytools-cluster " + member);
            assertThat(pids).as("lock session of the leader %s", member).hasSize(1);
            s.exec("select pg_terminate_backend(?)", pids.get(0));
        }
    }
}
