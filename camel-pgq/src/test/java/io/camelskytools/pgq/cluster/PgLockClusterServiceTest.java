package io.camelskytools.pgq.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Camel contexts, each with its own PgLockClusterService, run the same
 * {@code master:writers:timer:...} route, which records its member id in a table every 100 ms.
 * The leader's lock session is ended with pg_terminate_backend, again and again: the other
 * takes over, and the routes' own rows show that no two members ever wrote at the same time.
 */
class PgLockClusterServiceTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    private static final String NAMESPACE = "writers";
    private static final Duration PERIOD = Duration.ofMillis(200);
    private static final Duration VALIDATION_TIMEOUT = Duration.ofMillis(500);
    private static final Duration TAKEOVER_DELAY = Duration.ofMillis(1500);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }

    @Test
    void leadershipMovesWhenTheLeadersSessionIsTerminatedAndNeverTwoWriteAtOnce() throws Exception {
        TestDb db = PG.db();
        try (Sql s = db.open()) {
            s.exec("create table writes (id bigserial primary key, member text not null,"
                   + " written_at timestamptz not null default clock_timestamp())");
        }
        CamelContext a = member(db, "member-a");
        CamelContext b = member(db, "member-b");
        String leader = awaitWriter(db, null);
        assertThat(leaderCount(a, b)).isEqualTo(1);

        int rounds = 3;
        for (int i = 0; i < rounds; i++) {
            awaitStandbySession(db, other(leader));
            long t0 = System.nanoTime();
            terminateLockSession(db, leader);
            String next = awaitWriter(db, other(leader));
            System.out.printf("takeover %d: %s -> %s in %d ms (takeoverDelay %d ms)%n", i + 1, leader, next,
                    (System.nanoTime() - t0) / 1_000_000, TAKEOVER_DELAY.toMillis());
            assertThat(next).isEqualTo(other(leader));
            leader = next;
        }
        assertThat(leaderCount(a, b)).isEqualTo(1);
        a.stop();
        b.stop();

        try (Sql s = db.open()) {
            List<Map<String, Object>> rows = s.rows("select member, written_at from writes order by written_at, id");
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                String m = (String) rows.get(i).get("member");
                if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(m)) {
                    if (!runs.isEmpty()) {
                        Timestamp last = (Timestamp) rows.get(i - 1).get("written_at");
                        Timestamp first = (Timestamp) rows.get(i).get("written_at");
                        System.out.printf("handover %s -> %s: no writes for %d ms%n", runs.get(runs.size() - 1), m,
                                first.getTime() - last.getTime());
                    }
                    runs.add(m);
                }
            }
            // one run of writes per leadership: any overlap would interleave the members' rows
            assertThat(runs).hasSize(rounds + 1);
            for (int i = 1; i < runs.size(); i++) {
                assertThat(runs.get(i)).isNotEqualTo(runs.get(i - 1));
            }
        }
    }

    @Test
    void aLeaderThatStopsHandsOver() throws Exception {
        TestDb db = PG.db();
        try (Sql s = db.open()) {
            s.exec("create table writes (id bigserial primary key, member text not null,"
                   + " written_at timestamptz not null default clock_timestamp())");
        }
        CamelContext a = member(db, "member-a");
        String first = awaitWriter(db, null);
        assertThat(first).isEqualTo("member-a");
        CamelContext b = member(db, "member-b");
        PgLockClusterService bService = b.hasService(PgLockClusterService.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> bService.getView(NAMESPACE).getLeader()
                .map(m -> m.getId().equals("member-a") && !m.isLocal()).orElse(false));
        a.stop();
        assertThat(awaitWriter(db, "member-b")).isEqualTo("member-b");
        assertThat(bService.isLeader(NAMESPACE)).isTrue();
    }

    @Test
    void theLockKeyIsTheOneTheDocsComputeInSql() throws Exception {
        try (Sql s = PG.db().open()) {
            for (String ns : List.of("writers", "skytools/pgq-maint-db-main", "ä namespace")) {
                long sql = s.longValue("select ('x' || left(encode(sha256(convert_to('camel-skytools-cluster:' || ?, 'UTF8')),"
                                       + " 'hex'), 16))::bit(64)::bigint", ns);
                assertThat(AdvisoryLockKey.of(ns)).as(ns).isEqualTo(sql);
            }
        }
    }

    @Test
    void aTakeoverDelayShorterThanDetectionIsRefused() {
        PgLockClusterService service = new PgLockClusterService().jdbcUrl(PG.db().jdbcUrl()).period(Duration.ofSeconds(1))
                .validationTimeout(Duration.ofSeconds(1)).takeoverDelay(Duration.ofSeconds(2));
        CamelContext ctx = new DefaultCamelContext();
        closeables.add(ctx::stop);
        assertThatThrownBy(() -> {
            ctx.addService(service);
            ctx.start();
        }).hasMessageContaining("takeoverDelay (2000 ms) must be longer than period + validationTimeout (2000 ms)");
    }

    private CamelContext member(TestDb db, String id) throws Exception {
        DataSource ds = pool(db);
        CamelContext ctx = new DefaultCamelContext();
        ctx.addService(new PgLockClusterService().jdbcUrl(db.jdbcUrl()).memberId(id).period(PERIOD)
                .validationTimeout(VALIDATION_TIMEOUT).takeoverDelay(TAKEOVER_DELAY));
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + NAMESPACE + ":timer:write-" + id + "?delay=0&period=100").routeId("write-" + id)
                        .process(e -> {
                            try (Connection c = ds.getConnection();
                                 PreparedStatement ps = c.prepareStatement("insert into writes (member) values (?)")) {
                                ps.setString(1, id);
                                ps.executeUpdate();
                            }
                        });
            }
        });
        ctx.start();
        closeables.add(0, ctx::stop);
        return ctx;
    }

    private DataSource pool(TestDb db) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.jdbcUrl());
        cfg.setMaximumPoolSize(2);
        HikariDataSource ds = new HikariDataSource(cfg);
        closeables.add(ds);
        return ds;
    }

    private static String other(String member) {
        return member.equals("member-a") ? "member-b" : "member-a";
    }

    private static long leaderCount(CamelContext... contexts) {
        return java.util.Arrays.stream(contexts).filter(c -> c.hasService(PgLockClusterService.class).isLeader(NAMESPACE))
                .count();
    }

    /** Waits for a fresh write (by {@code member}, or by anyone) and returns who wrote it. */
    private static String awaitWriter(TestDb db, String member) throws Exception {
        long since;
        try (Sql s = db.open()) {
            since = s.longValue("select coalesce(max(id), 0) from writes");
        }
        String[] writer = new String[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Sql s = db.open()) {
                List<Object> m = member == null
                        ? s.column("select member from writes where id > ? order by id desc limit 1", since)
                        : s.column("select member from writes where id > ? and member = ? limit 1", since, member);
                writer[0] = m.isEmpty() ? null : (String) m.get(0);
                return writer[0] != null;
            }
        });
        return writer[0];
    }

    /** The member's lock session is open (it retries every period after losing its session). */
    private static void awaitStandbySession(TestDb db, String member) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Sql s = db.open()) {
                return s.longValue("select count(*) from pg_stat_activity where application_name = ?",
                        LockSession.APPLICATION_PREFIX + member) == 1;
            }
        });
    }

    private static void terminateLockSession(TestDb db, String member) throws Exception {
        try (Sql s = db.open()) {
            List<Object> pids = s.column("select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                                         + " where l.locktype = 'advisory' and l.granted and a.application_name = ?",
                    LockSession.APPLICATION_PREFIX + member);
            assertThat(pids).as("lock sessions of the leader " + member).hasSize(1);
            assertThat(s.value("select pg_terminate_backend(?)", pids.get(0))).isEqualTo(true);
        }
    }
}
