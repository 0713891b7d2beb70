package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * root -> branch -> leaf over two real servers: the branch applies the changes and holds the
 * very same events and ticks as the root, and the leaf, reading from the branch, copies its
 * table from the branch and ends up identical to the root.
 */
class BranchReplicationTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "casq";

    @Test
    void aBranchCarriesTheQueueOnToALeaf() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb branchDb = PG.db(1);
        TestDb leafDb = PG.newDb(1, "leaf");
        try (Sql root = rootDb.open(); Sql branch = branchDb.open(); Sql leaf = leafDb.open();
             LondisteNodes nodes = new LondisteNodes()) {
            String ddl = "create table public.acc (id int primary key, v text)";
            root.exec(ddl);
            branch.exec(ddl);
            leaf.exec(ddl);
            root.exec("insert into acc select i, 'r' || i from generate_series(1, 1000) i");
            new NodeSetup(Q, "w_root").createRoot(root.connection(), "root", location(rootDb));
            new NodeSetup(Q, "w_branch").createSubscriber(branch.connection(), "branch", "branch", location(branchDb),
                    location(rootDb));
            new TableSetup(Q).addTables(root.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            nodes.ticker(rootDb);
            new TableSetup(Q).addTables(branch.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            nodes.worker(branchDb, Q);
            await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(
                    branch.value("select merge_state from londiste.table_info where table_name = 'public.acc'")));

            new NodeSetup(Q, "w_leaf").createSubscriber(leaf.connection(), "leaf", "leaf", location(leafDb),
                    location(branchDb));
            new TableSetup(Q).addTables(leaf.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            WorkerLoop leafWorker = nodes.worker(leafDb, Q);
            for (int i = 1; i <= 100; i++) {
                root.exec("update acc set v = 'u' || v where id = ?", i * 7);
                root.exec("insert into acc values (?, 'new')", 5000 + i);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(leaf.value("select merge_state from londiste.table_info where table_name = 'public.acc'"))
                        .isEqualTo("ok");
                assertThat(contents(leaf, "acc")).isEqualTo(contents(root, "acc"));
                assertThat(contents(branch, "acc")).isEqualTo(contents(root, "acc"));
                assertThat(leafWorker.lastFailure()).isNull();
            });
            // the branch's queue: the root's ticks and the same events (a tick's event sequence is
            // the highest id copied, as in Skytools, where the root's may count ids never used)
            long branchTop = branch.longValue("select max(tick_id) from pgq.tick");
            String ticks = "select tick_id from pgq.tick where tick_id > 1 and tick_id <= ? order by 1";
            assertThat(branch.column(ticks, branchTop)).isNotEmpty().isEqualTo(root.column(ticks, branchTop));
            String events = "select ev_id, ev_type, ev_data, ev_extra1 from pgq.event_template e"
                            + " where ev_type like 'U:%' order by ev_id";
            assertThat(branch.rows(events.replace("pgq.event_template", eventTable(branch))))
                    .isEqualTo(root.rows(events.replace("pgq.event_template", eventTable(root))));
        }
    }

    /** The queue's parent event table (its rows are every live event of the queue). */
    private static String eventTable(Sql s) throws Exception {
        return (String) s.value("select queue_data_pfx from pgq.queue where queue_name = ?", Q);
    }
}
