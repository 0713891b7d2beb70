package io.camelskytools.londiste.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.worker.WorkerLoop;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;

/** A root and its leaves for the handler tests: nodes made, tables added, workers run. */
final class HandlerNodes {

    static final String Q = "hq";

    private HandlerNodes() {
    }

    static AddTableOptions handler(String name, String... args) {
        return new AddTableOptions(false, false, false, null, List.of(), name, List.of(args), null, null, null, null);
    }

    static void root(Sql root, TestDb rootDb) throws SQLException {
        new NodeSetup(Q, "rw").createRoot(root.connection(), "n1", LondisteNodes.location(rootDb));
    }

    static void leaf(Sql leaf, TestDb leafDb, TestDb rootDb, String node) throws SQLException {
        new NodeSetup(Q, "lw_" + node).createSubscriber(leaf.connection(), "leaf", node, LondisteNodes.location(leafDb),
                LondisteNodes.location(rootDb));
    }

    static void add(Sql node, String table, AddTableOptions options) throws SQLException {
        assertThat(new TableSetup(Q).addTables(node.connection(), List.of(table), false, options))
                .allMatch(TableSetup.Outcome::ok);
    }

    /** Whether the worker's last failure, or one of its causes, mentions {@code text}. */
    static boolean failureMentions(WorkerLoop worker, String text) {
        for (Throwable t = worker.lastFailure(); t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(text)) {
                return true;
            }
            if (t instanceof SQLException s && s.getNextException() != null
                && String.valueOf(s.getNextException().getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** Waits until every table of the leaf is in sync and its worker has no failure. */
    static void awaitInSync(Sql leaf, WorkerLoop worker) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(worker.lastFailure()).isNull();
            assertThat(leaf.longValue("select count(*) from londiste.table_info where local"
                                      + " and merge_state is distinct from 'ok'")).isZero();
        });
    }
}
