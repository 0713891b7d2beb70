package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.SeqSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;

/**
 * Root n1 -> branch n2 -> leaf n3 (workers w1, w2, w3) replicating pgbench's four tables and
 * the sequence of pgbench_history's key, a ticker on every server (pgqd leaves the branches'
 * queues alone) and a worker per node. Built once the leaf holds every table.
 */
final class PgbenchCascade {

    static final List<String> NODES = List.of("n1", "n2", "n3");
    static final List<String> WORKERS = List.of("w1", "w2", "w3");

    private PgbenchCascade() {
    }

    /** Builds the tree on {@code db} (n1, n2, n3); the workers, in node order, run until {@code nodes} closes. */
    static List<WorkerLoop> build(String queue, TestDb[] db, Pgbench pgbench, LondisteNodes nodes) throws Exception {
        pgbench.initWithRows(db[0]);
        pgbench.initEmpty(db[1]);
        pgbench.initEmpty(db[2]);
        try (Sql n1 = db[0].open(); Sql n2 = db[1].open(); Sql n3 = db[2].open()) {
            new NodeSetup(queue, WORKERS.get(0)).createRoot(n1.connection(), NODES.get(0), location(db[0]));
            new NodeSetup(queue, WORKERS.get(1)).createSubscriber(n2.connection(), "branch", NODES.get(1),
                    location(db[1]), location(db[0]));
            new NodeSetup(queue, WORKERS.get(2)).createSubscriber(n3.connection(), "leaf", NODES.get(2),
                    location(db[2]), location(db[1]));
            for (Sql s : List.of(n1, n2, n3)) {
                assertThat(new TableSetup(queue).addTables(s.connection(), Pgbench.TABLES, false,
                        AddTableOptions.DEFAULTS)).allMatch(TableSetup.Outcome::ok);
            }
            assertThat(new SeqSetup(queue).addSeqs(n1.connection(), List.of(Pgbench.HISTORY_SEQ), false, false))
                    .allMatch(TableSetup.Outcome::ok);
            for (TestDb d : db) {
                nodes.ticker(d);
            }
            List<WorkerLoop> workers = new ArrayList<>();
            for (TestDb d : db) {
                workers.add(nodes.worker(d, queue));
            }
            // a subscriber adds the sequence once the root's value reached it
            for (Sql s : List.of(n2, n3)) {
                await("the sequence known downstream").atMost(Duration.ofSeconds(60)).until(() -> s.longValue(
                        "select count(*) from londiste.seq_info where seq_name = ?", Pgbench.HISTORY_SEQ) == 1);
                assertThat(new SeqSetup(queue).addSeqs(s.connection(), List.of(Pgbench.HISTORY_SEQ), false, false))
                        .allMatch(TableSetup.Outcome::ok);
            }
            await("every table copied to the leaf").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> n3.longValue("select count(*) from londiste.table_info where local and merge_state = 'ok'")
                                 == Pgbench.TABLES.size());
            return workers;
        }
    }
}
