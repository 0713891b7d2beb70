package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.CascadeAdmin;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root switchover under the real pgbench (TPC-B, two clients, 100 transactions a second) on
 * three servers, root n1 -> branch n2 -> leaf n3: n2 takes the root while pgbench writes to
 * n1, whose clients abort once n1 refuses inserts; pgbench goes on against n2; n1 takes the
 * root back the same way and pgbench ends its run on n1. Each time the old root follows the
 * new one as a branch. Afterwards the four tables are identical on every node, and
 * pgbench_history holds on every node exactly as many rows as pgbench reported transactions
 * processed in its three runs: nothing lost, nothing applied twice.
 * (Debian's pgbench; the compat profile runs it on our schemas.)
 */
@Tag("needs-debian")
class PgbenchSwitchoverTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    static final String Q = "pgbsw";
    static final Duration RUN_END = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void theRootMovesToTheBranchAndBackWhilePgbenchWrites() throws Exception {
        TestDb[] db = {PG.db(0), PG.db(1), PG.db(2)};
        Pgbench pgbench = new Pgbench(PG.server(0).binDir(), dir);
        List<String> said = new ArrayList<>();
        try (Sql n1 = db[0].open(); Sql n2 = db[1].open(); Sql n3 = db[2].open();
             LondisteNodes nodes = new LondisteNodes()) {
            List<WorkerLoop> workers = PgbenchCascade.build(Q, db, pgbench, nodes);
            long processed = 0;

            try (PgbenchLoad load = pgbench.start(db[0], "on-n1", "-T", "300")) {
                awaitHistory(n3, 100);
                try (CascadeAdmin admin = new CascadeAdmin(Q, n2.connection(), Duration.ofSeconds(60), said::add)) {
                    admin.takeover("n1", "n2", false, CascadeAdmin.OldNode.ALIVE);
                }
                PgbenchLoad.Outcome run = load.awaitEnd(RUN_END);
                assertThat(run.aborted()).as(run.output()).isTrue();
                assertThat(run.output()).contains("Insert into queue disallowed");
                processed += run.processed();
            }
            assertRootAndBranch(n2, n1, "n2", "w1");
            // everything the old root committed is on the new root
            long first = processed;
            await("n1's transactions on n2").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> history(n2) == first);

            try (PgbenchLoad load = pgbench.start(db[1], "on-n2", "-T", "300")) {
                // the new root's transactions reach the leaf and the old root, now its branch
                awaitHistory(n3, first + 100);
                awaitHistory(n1, first + 100);
                try (CascadeAdmin admin = new CascadeAdmin(Q, n1.connection(), Duration.ofSeconds(60), said::add)) {
                    admin.takeover("n2", "n1", false, CascadeAdmin.OldNode.ALIVE);
                }
                PgbenchLoad.Outcome run = load.awaitEnd(RUN_END);
                assertThat(run.aborted()).as(run.output()).isTrue();
                assertThat(run.output()).contains("Insert into queue disallowed");
                processed += run.processed();
            }
            assertRootAndBranch(n1, n2, "n1", "w2");

            try (PgbenchLoad load = pgbench.start(db[0], "on-n1-again", "-t", "100")) {
                PgbenchLoad.Outcome run = load.awaitEnd(RUN_END);
                assertThat(run.exitCode()).as(run.output()).isZero();
                assertThat(run.processed()).isEqualTo(200);
                processed += run.processed();
            }
            assertThat(said).contains("old root n1 is a branch of n2 now", "old root n2 is a branch of n1 now");

            long total = processed;
            await("every node holds every transaction once").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        for (Sql s : List.of(n1, n2, n3)) {
                            assertThat(history(s)).isEqualTo(total);
                        }
                        for (String t : Pgbench.TABLES) {
                            assertThat(contents(n2, t)).as("n2 " + t).isEqualTo(contents(n1, t));
                            assertThat(contents(n3, t)).as("n3 " + t).isEqualTo(contents(n1, t));
                        }
                    });
            for (WorkerLoop w : workers) {
                assertThat(w.lastFailure()).isNull();
            }
        }
    }

    private static void assertRootAndBranch(Sql root, Sql branch, String rootName, String branchWorker)
            throws Exception {
        assertThat(root.value("select node_type from pgq_node.node_info")).isEqualTo("root");
        assertThat(branch.row("select node_type, (select provider_node from pgq_node.local_state"
                              + " where consumer_name = ?) as provider from pgq_node.node_info", branchWorker))
                .containsEntry("node_type", "branch").containsEntry("provider", rootName);
    }

    private static void awaitHistory(Sql s, long rows) {
        await("pgbench_history rows").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> history(s) >= rows);
    }

    static long history(Sql s) throws Exception {
        return s.longValue("select count(*) from pgbench_history");
    }
}
