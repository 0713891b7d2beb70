package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.CascadeAdmin;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.Resurrection;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover on three servers, root n1 -> branch n2 -> leaf n3: the root's postmaster is
 * killed (-9) under load, n2 takes over as root (takeover --dead-root), the producer goes on
 * there; then n1 comes back and is resurrected: the changes it committed that the cascade
 * never got are in its dump, it follows n2 as a branch, and n2 and n3 are identical.
 * (Debian's server: the test kills and restarts it with pg_ctl.)
 */
@Tag("needs-debian")
class FailoverTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    static final String Q = "foq";

    @TempDir
    Path dir;

    @Test
    void theBranchTakesOverFromADeadRootWhichIsResurrectedLater() throws Exception {
        TestDb[] db = {PG.db(0), PG.db(1), PG.db(2)};
        SystemPgServer rootServer = (SystemPgServer) PG.server(0);
        try (Sql n2 = db[1].open(); Sql n3 = db[2].open(); LondisteNodes nodes = new LondisteNodes()) {
            try (Sql n1 = db[0].open()) {
                for (Sql s : List.of(n1, n2, n3)) {
                    s.exec("create table public.acc (id bigint primary key, v text)");
                }
                n1.exec("insert into acc select i, 'r' || i from generate_series(1, 200) i");
                new NodeSetup(Q, "w1").createRoot(n1.connection(), "n1", location(db[0]));
                new NodeSetup(Q, "w2").createSubscriber(n2.connection(), "branch", "n2", location(db[1]),
                        location(db[0]));
                new NodeSetup(Q, "w3").createSubscriber(n3.connection(), "leaf", "n3", location(db[2]),
                        location(db[1]));
                for (Sql s : List.of(n1, n2, n3)) {
                    new TableSetup(Q).addTables(s.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
                }
            }
            for (TestDb d : db) {
                nodes.ticker(d);
            }
            List<WorkerLoop> workers = new ArrayList<>();
            for (TestDb d : db) {
                workers.add(nodes.worker(d, Q));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(n3.value(
                    "select merge_state from londiste.table_info where table_name = 'public.acc'")));

            SwitchoverTest.Producer producer = new SwitchoverTest.Producer(db);
            Thread pt = new Thread(producer, "producer");
            pt.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> producer.committed.get() > 300);

            long pid = Long.parseLong(Files.readAllLines(rootServer.dataDir().resolve("postmaster.pid")).get(0).strip());
            new ProcessBuilder("kill", "-9", String.valueOf(pid)).inheritIO().start().waitFor();

            List<String> said = new ArrayList<>();
            try (CascadeAdmin admin = new CascadeAdmin(Q, n2.connection(), Duration.ofSeconds(60), said::add)) {
                admin.takeover("n1", "n2", false, CascadeAdmin.OldNode.DEAD_ROOT);
            }
            assertThat(said).contains("Tagged node 'n1' as dead");
            assertThat(n2.value("select node_type from pgq_node.node_info")).isEqualTo("root");
            assertThat(n2.longValue("select count(*) from pgq.get_consumer_info('foq', 'n1.gravestone')")).isOne();
            assertThat(n3.value("select dead from pgq_node.node_location where node_name = 'n1'")).isEqualTo(true);
            long before = producer.committed.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> producer.committed.get() > before + 100
                                                               && producer.lastRoot == 1);
            producer.stop.set(true);
            pt.join(10_000);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(contents(n3, "acc")).isEqualTo(contents(n2, "acc")));

            // the old root comes back (its old postmaster's children may linger a moment)
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                rootServer.restart();
                return true;
            });
            try (Sql n1 = db[0].open()) {
                Path dump = dir.resolve(Resurrection.DUMP_FILE);
                Resurrection.Result r = new Resurrection(Q, said::add).run(n1.connection(), dump);
                assertThat(r.provider()).isEqualTo("n2");
                assertThat(n1.value("select node_type from pgq_node.node_info")).isEqualTo("branch");
                assertThat(n1.value("select paused from pgq_node.local_state where consumer_name = 'w1'"))
                        .isEqualTo(true);

                // rows n1 committed that the cascade lost: each is an insert event in the dump
                Set<Long> onN2 = new HashSet<>();
                n2.column("select id from acc").forEach(id -> onN2.add(((Number) id).longValue()));
                List<Long> lost = n1.column("select id from acc order by id").stream()
                        .map(id -> ((Number) id).longValue()).filter(id -> !onN2.contains(id)).toList();
                JsonNode events = new ObjectMapper().readTree(dump.toFile());
                assertThat(events.isArray()).isTrue();
                assertThat(events.size()).isEqualTo((int) r.dumped());
                Set<String> dumped = new HashSet<>();
                events.forEach(e -> dumped.add(e.get("ev_data").asText()));
                for (long id : lost) {
                    assertThat(dumped).anyMatch(d -> d.startsWith("id=" + id + "&"));
                }

                // resumed, the resurrected node follows the new root
                try (CascadeAdmin admin = new CascadeAdmin(Q, n1.connection(), Duration.ofSeconds(60), said::add)) {
                    admin.setPaused("n1", "w1", false);
                }
                n2.exec("insert into acc values (999999, 'after')");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(n1.longValue("select count(*) from acc where id = 999999"))
                            .as("n1: %s; worker: %s; said: %s", n1.rows("select * from pgq_node.local_state"),
                                    workers.get(0).lastFailure(), said).isOne();
                    assertThat(n3.longValue("select count(*) from acc where id = 999999"))
                            .as("n3: %s; worker: %s", n3.rows("select * from pgq_node.local_state"),
                                    workers.get(2).lastFailure()).isOne();
                });
                assertThat(n1.longValue("select count(*) from acc")).isEqualTo(onN2.size() + 1 + lost.size());
            }
            assertThat(workers.get(1).lastFailure()).isNull();
            assertThat(workers.get(2).lastFailure()).isNull();
        }
    }
}
