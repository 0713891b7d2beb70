package io.camelskytools.londiste.changes;

import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.camelskytools.londiste.LondisteConstants;
import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A branch holds the root's events in its own queue: {@code londiste:changes} on the branch
 * gets the root's row changes, and the branch's watermark waits for it. A leaf has no events
 * of its own and is refused.
 */
class LondisteChangesOnBranchTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    @Test
    void aBranchHandsOnTheRootsChangesAndALeafIsRefused() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb branchDb = PG.db(1);
        TestDb leafDb = PG.newDb(1, "leaf");
        List<Exchange> received = new CopyOnWriteArrayList<>();
        try (Sql root = rootDb.open(); Sql branch = branchDb.open(); Sql leaf = leafDb.open();
             LondisteNodes nodes = new LondisteNodes()) {
            String ddl = "create table public.orders (id int primary key, item text)";
            root.exec(ddl);
            branch.exec(ddl);
            new NodeSetup("shop", "w_root").createRoot(root.connection(), "root", location(rootDb));
            new NodeSetup("shop", "w_branch").createSubscriber(branch.connection(), "branch", "branch",
                    location(branchDb), location(rootDb));
            new NodeSetup("shop", "w_leaf").createSubscriber(leaf.connection(), "leaf", "leaf", location(leafDb),
                    location(rootDb));
            new TableSetup("shop").addTables(root.connection(), List.of("orders"), false, AddTableOptions.DEFAULTS);
            new TableSetup("shop").addTables(branch.connection(), List.of("orders"), false, AddTableOptions.DEFAULTS);
            nodes.ticker(rootDb);
            nodes.worker(branchDb, "shop");
            await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(
                    branch.value("select merge_state from londiste.table_info where table_name = 'public.orders'")));

            try (CamelContext camel = LondisteChangesTest.camel(branchDb,
                    "londiste:changes?queue=shop&consumer=branch_feed&dataSource=#node&loopDelay=200ms", received, null)) {
                root.exec("insert into orders values (1, 'tea'), (2, 'milk')");
                root.exec("update orders set item = 'green tea' where id = 1");
                await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 3);
                List<String> seen = new ArrayList<>();
                for (Exchange e : received) {
                    seen.add(e.getMessage().getHeader(LondisteConstants.OPERATION) + " "
                             + e.getMessage().getHeader(LondisteConstants.TABLE) + " " + e.getMessage().getBody(Map.class));
                }
                assertThat(seen).containsExactly("INSERT public.orders {id=1, item=tea}",
                        "INSERT public.orders {id=2, item=milk}", "UPDATE public.orders {id=1, item=green tea}");
                camel.getRouteController().stopRoute("changes");
                long held = branch.longValue("select last_tick_id from pgq_node.local_state where consumer_name = 'branch_feed'");
                root.exec("insert into orders values (3, 'sugar')");
                await().atMost(Duration.ofSeconds(60)).until(() -> branch.longValue("select count(*) from orders") == 3);
                // the branch's queue moved on; its local watermark (what it reports up) stays at the stopped consumer
                assertThat(branch.longValue("select local_watermark from pgq_node.get_node_info('shop')")).isEqualTo(held);
            }
            assertThatThrownBy(() -> LondisteChangesTest.camel(leafDb,
                    "londiste:changes?queue=shop&consumer=leaf_feed&dataSource=#node", received, null))
                    .hasStackTraceContaining("node leaf is a leaf of queue shop");
        }
    }
}
