package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.worker.PgbenchSwitchoverTest.history;
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
import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.CascadeAdmin;
import io.camelskytools.londiste.admin.Resurrection;
import io.camelskytools.londiste.apply.UrlEncoding;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover under the real pgbench on three servers, root n1 -> branch n2 -> leaf n3: while
 * pgbench writes to n1, n1's postmaster is killed (-9); n2 takes over as root (takeover
 * --dead-root) and pgbench runs against n2; n1's server starts again and n1 is resurrected.
 * The transactions n1 committed that the cascade never got are the events of its dump (four
 * per transaction, each pgbench_history row n2 lacks among them), n2 holds exactly n1's rows
 * it got plus pgbench's transactions on n2, n3 is identical to n2, and n1 follows n2 again.
 * (Debian's server and pgbench: the test kills and restarts the server with pg_ctl.)
 */
@Tag("needs-debian")
class PgbenchFailoverTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    static final String Q = "pgbfo";
    static final Duration RUN_END = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void theBranchTakesOverFromARootKilledUnderPgbench() throws Exception {
        TestDb[] db = {PG.db(0), PG.db(1), PG.db(2)};
        SystemPgServer rootServer = (SystemPgServer) PG.server(0);
        Pgbench pgbench = new Pgbench(rootServer.binDir(), dir);
        List<String> said = new ArrayList<>();
        try (Sql n2 = db[1].open(); Sql n3 = db[2].open(); LondisteNodes nodes = new LondisteNodes()) {
            try (Sql n1 = db[0].open()) {
                // the test servers commit asynchronously; a root in earnest does not, and a commit
                // pgbench saw must survive the kill for the dump to be checked against n1's rows
                n1.exec("alter database " + SqlNames.quoteIdent(db[0].name()) + " set synchronous_commit = on");
            }
            List<WorkerLoop> workers = PgbenchCascade.build(Q, db, pgbench, nodes);

            PgbenchLoad.Outcome onN1;
            try (PgbenchLoad load = pgbench.start(db[0], "on-n1", "-T", "300"); Sql n1 = db[0].open()) {
                await("pgbench_history rows on the leaf").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200)).until(() -> history(n3) >= 100);
                // the branch falls behind, so the root dies holding transactions nobody else has
                // (caught up, the dump could be empty and prove nothing)
                try (CascadeAdmin admin = new CascadeAdmin(Q, n2.connection(), Duration.ofSeconds(60), said::add)) {
                    admin.setPaused("n2", "w2", true);
                }
                long behind = history(n2);
                await("n1 ahead of n2").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> history(n1) >= behind + 50);
                long pid = Long.parseLong(
                        Files.readAllLines(rootServer.dataDir().resolve("postmaster.pid")).get(0).strip());
                new ProcessBuilder("kill", "-9", String.valueOf(pid)).inheritIO().start().waitFor();
                onN1 = load.awaitEnd(RUN_END);
            }
            assertThat(onN1.aborted()).as(onN1.output()).isTrue();

            try (CascadeAdmin admin = new CascadeAdmin(Q, n2.connection(), Duration.ofSeconds(60), said::add)) {
                admin.takeover("n1", "n2", false, CascadeAdmin.OldNode.DEAD_ROOT);
            }
            assertThat(said).contains("Tagged node 'n1' as dead");
            assertThat(n2.value("select node_type from pgq_node.node_info")).isEqualTo("root");
            assertThat(n2.longValue("select count(*) from pgq.get_consumer_info(?, 'n1.gravestone')", Q)).isOne();

            PgbenchLoad.Outcome onN2;
            try (PgbenchLoad load = pgbench.start(db[1], "on-n2", "-t", "100")) {
                onN2 = load.awaitEnd(RUN_END);
            }
            assertThat(onN2.exitCode()).as(onN2.output()).isZero();
            assertThat(onN2.processed()).isEqualTo(200);
            awaitIdentical(n2, n3);

            // the old root comes back (its old postmaster's children may linger a moment)
            await("n1's server started again").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                rootServer.restart();
                return true;
            });
            try (Sql n1 = db[0].open()) {
                assertThat(history(n1)).as("transactions pgbench saw committed on n1").isGreaterThanOrEqualTo(
                        onN1.processed());
                Path dump = dir.resolve(Resurrection.DUMP_FILE);
                Resurrection.Result r = new Resurrection(Q, said::add).run(n1.connection(), dump);
                assertThat(r.provider()).isEqualTo("n2");
                assertThat(n1.value("select node_type from pgq_node.node_info")).isEqualTo("branch");

                Set<Long> onlyN1 = hids(n1);
                Set<Long> onlyN2 = hids(n2);
                Set<Long> both = new HashSet<>(onlyN1);
                both.retainAll(onlyN2);
                onlyN1.removeAll(both);
                onlyN2.removeAll(both);
                // n2 holds what it got from n1 and pgbench's transactions on n2, once each
                assertThat((long) onlyN2.size()).isEqualTo(onN2.processed());
                assertThat(onlyN1).as("transactions the cascade lost").isNotEmpty();

                JsonNode events = new ObjectMapper().readTree(dump.toFile());
                assertThat(events.size()).isEqualTo((int) r.dumped());
                List<JsonNode> rowEvents = new ArrayList<>();
                Set<Long> dumpedHids = new HashSet<>();
                for (JsonNode e : events) {
                    String table = e.path("ev_extra1").asText();
                    if (Pgbench.TABLES.contains(table)) {
                        rowEvents.add(e);
                    }
                    if (table.equals("public.pgbench_history") && e.path("ev_type").asText().startsWith("I")) {
                        dumpedHids.add(Long.parseLong(UrlEncoding.decode(e.path("ev_data").asText()).get("hid")));
                    }
                }
                assertThat(dumpedHids).as("history rows in the dump").isEqualTo(onlyN1);
                assertThat(rowEvents).hasSize(onlyN1.size() * Pgbench.EVENTS_PER_TRANSACTION);

                // resumed, the resurrected node follows the new root: n2's rows and its own lost ones
                try (CascadeAdmin admin = new CascadeAdmin(Q, n1.connection(), Duration.ofSeconds(60), said::add)) {
                    admin.setPaused("n1", "w1", false);
                }
                long expected = history(n2) + onlyN1.size();
                await("n1 follows n2").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(history(n1))
                                .as("n1: %s; worker: %s", n1.rows("select * from pgq_node.local_state"),
                                        workers.get(0).lastFailure()).isEqualTo(expected));
            }
            awaitIdentical(n2, n3);
            assertThat(workers.get(1).lastFailure()).isNull();
            assertThat(workers.get(2).lastFailure()).isNull();
        }
    }

    private static void awaitIdentical(Sql n2, Sql n3) {
        await("n3 identical to n2").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (String t : Pgbench.TABLES) {
                        assertThat(contents(n3, t)).as(t).isEqualTo(contents(n2, t));
                    }
                });
    }

    private static Set<Long> hids(Sql s) throws Exception {
        Set<Long> out = new HashSet<>();
        s.column("select hid from pgbench_history").forEach(h -> out.add(((Number) h).longValue()));
        return out;
    }
}
