package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.contents;
import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.CascadeAdmin;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Root switchover on three servers, root n1 -> branch n2 -> leaf n3, while a producer keeps
 * writing to whichever node is the root: n2 takes over, n1 rejoins as its branch, then n1
 * takes the root back; then the leaf moves to the root and back (change-provider).
 * Afterwards every node holds every row the producer was told was committed, once.
 */
class SwitchoverTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    static final String Q = "swq";

    @Test
    void theRootMovesToTheBranchAndBackUnderLoad() throws Exception {
        TestDb[] db = {PG.db(0), PG.db(1), PG.db(2)};
        try (Sql n1 = db[0].open(); Sql n2 = db[1].open(); Sql n3 = db[2].open();
             LondisteNodes nodes = new LondisteNodes()) {
            for (Sql s : List.of(n1, n2, n3)) {
                s.exec("create table public.acc (id bigint primary key, v text)");
            }
            n1.exec("insert into acc select i, 'r' || i from generate_series(1, 200) i");
            new NodeSetup(Q, "w1").createRoot(n1.connection(), "n1", location(db[0]));
            new NodeSetup(Q, "w2").createSubscriber(n2.connection(), "branch", "n2", location(db[1]), location(db[0]));
            new NodeSetup(Q, "w3").createSubscriber(n3.connection(), "leaf", "n3", location(db[2]), location(db[1]));
            TableSetup tables = new TableSetup(Q);
            tables.addTables(n1.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            tables.addTables(n2.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            tables.addTables(n3.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            // pgqd on every server: it leaves queues with an external ticker (branches) alone
            for (TestDb d : db) {
                nodes.ticker(d);
            }
            List<WorkerLoop> workers = new ArrayList<>();
            for (TestDb d : db) {
                workers.add(nodes.worker(d, Q));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(n3.value(
                    "select merge_state from londiste.table_info where table_name = 'public.acc'")));

            Producer producer = new Producer(db);
            Thread pt = new Thread(producer, "producer");
            pt.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> producer.committed.get() > 100);

            try (CascadeAdmin admin = new CascadeAdmin(Q, n2.connection(), Duration.ofSeconds(60), line -> { })) {
                admin.takeover("n1", "n2", false, CascadeAdmin.OldNode.ALIVE);
            }
            assertThat(n2.value("select node_type from pgq_node.node_info")).isEqualTo("root");
            assertThat(n1.row("select node_type, (select provider_node from pgq_node.local_state"
                              + " where consumer_name = 'w1') as provider from pgq_node.node_info"))
                    .containsEntry("node_type", "branch").containsEntry("provider", "n2");
            long before = producer.committed.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> producer.committed.get() > before + 100);
            assertThat(producer.lastRoot).isEqualTo(1);

            try (CascadeAdmin admin = new CascadeAdmin(Q, n1.connection(), Duration.ofSeconds(60), line -> { })) {
                admin.takeover("n2", "n1", false, CascadeAdmin.OldNode.ALIVE);
            }
            assertThat(n1.value("select node_type from pgq_node.node_info")).isEqualTo("root");
            assertThat(n2.value("select node_type from pgq_node.node_info")).isEqualTo("branch");
            long middle = producer.committed.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> producer.committed.get() > middle + 100);

            // change-provider of the leaf to the root and back, still under load
            List<String> said = new ArrayList<>();
            try (CascadeAdmin admin = new CascadeAdmin(Q, n3.connection(), Duration.ofSeconds(60), said::add)) {
                admin.changeProvider("n3", null, "n1");
                assertThat(n3.value("select provider_node from pgq_node.local_state where consumer_name = 'w3'"))
                        .isEqualTo("n1");
                assertThat(n2.longValue("select count(*) from pgq_node.subscriber_info where subscriber_node = 'n3'"))
                        .isZero();
                long moved = producer.committed.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> producer.committed.get() > moved + 50);
                admin.changeProvider("n3", null, "n2");
                admin.changeProvider("n3", null, "n2");
            }
            assertThat(said).contains("Consumer 'w3' at node 'n3' reads from 'n1' now (was 'n2')")
                    .contains("Consumer 'w3' at node 'n3' has already 'n2' as provider");
            producer.stop.set(true);
            pt.join(10_000);

            long expected = 200 + producer.committed.get();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(n1.longValue("select count(*) from acc")).isEqualTo(expected);
                assertThat(contents(n2, "acc")).isEqualTo(contents(n1, "acc"));
                assertThat(contents(n3, "acc")).isEqualTo(contents(n1, "acc"));
            });
            for (WorkerLoop w : workers) {
                assertThat(w.lastFailure()).isNull();
            }
        }
    }

    /** Inserts rows one by one into the node that is the root now; counts the commits. */
    static final class Producer implements Runnable {
        final TestDb[] db;
        final AtomicLong committed = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        volatile int lastRoot;

        Producer(TestDb[] db) {
            this.db = db;
        }

        @Override
        public void run() {
            long id = 1000;
            int root = 0;
            while (!stop.get()) {
                try (Connection c = db[root].connect();
                     PreparedStatement ps = c.prepareStatement("insert into acc values (?, 'p')")) {
                    while (!stop.get()) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                        committed.incrementAndGet();
                        lastRoot = root;
                        id++;
                    }
                } catch (SQLException e) {
                    // the queue closed under us (demoted): find the root again, same id
                    root = findRoot(root);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private int findRoot(int previous) {
            for (int i = 0; i < db.length; i++) {
                try (Connection c = db[i].connect(); var st = c.createStatement();
                     var rs = st.executeQuery("select node_type from pgq_node.node_info")) {
                    if (rs.next() && "root".equals(rs.getString(1))) {
                        return i;
                    }
                } catch (SQLException e) {
                    // try the next
                }
            }
            return previous;
        }
    }
}
