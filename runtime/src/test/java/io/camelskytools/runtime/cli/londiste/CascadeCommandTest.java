package io.camelskytools.runtime.cli.londiste;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cascade commands on the command line, on a root and a leaf of two real servers: a
 * member tagged dead and alive again on every node, refusals with the reason (unknown node,
 * rename-node, a node with subscribers), and drop-node. Takeover and failover themselves are
 * camel-londiste's SwitchoverTest and FailoverTest.
 */
class CascadeCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    @TempDir
    Path dir;

    static String location(TestDb db) {
        return "host=" + db.server().host() + " port=" + db.server().port() + " dbname=" + db.name() + " user=postgres";
    }

    Path ini(String name, TestDb db) throws Exception {
        return Files.writeString(dir.resolve(name + ".ini"), String.join("\n", "[londiste]", "job_name = lond_" + name,
                "db = " + location(db), "queue_name = cq", ""));
    }

    static Result londiste(Path ini, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "londiste";
        full[1] = ini.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return InProcessCli.run(full);
    }

    @Test
    void membersAreTaggedRefusedAndDropped() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        Path root = ini("root", rootDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql l = leafDb.open()) {
            assertThat(londiste(root, "create-root", "n1", location(rootDb)).exit()).isZero();
            assertThat(londiste(leaf, "create-leaf", "n2", location(leafDb), "--provider=" + location(rootDb)).exit())
                    .isZero();

            Result dead = londiste(leaf, "tag-dead", "n1");
            assertThat(dead.exit()).as(dead.err()).isZero();
            assertThat(dead.out()).contains("Tagged node 'n1' as dead");
            assertThat(l.value("select dead from pgq_node.node_location where node_name = 'n1'")).isEqualTo(true);
            assertThat(londiste(leaf, "members").out()).contains("n1  (dead)");
            Result alive = londiste(leaf, "tag-alive", "n1");
            assertThat(alive.exit()).as(alive.err()).isZero();
            assertThat(l.value("select dead from pgq_node.node_location where node_name = 'n1'")).isEqualTo(false);

            Result unknown = londiste(leaf, "takeover", "n9");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("Unknown node: n9");
            Result rename = londiste(leaf, "rename-node", "n2", "n3");
            assertThat(rename.exit()).isEqualTo(1);
            assertThat(rename.err()).contains("rename-node is not supported").contains("drop-node n2");
            Result busy = londiste(leaf, "drop-node", "n1");
            assertThat(busy.exit()).isEqualTo(1);
            assertThat(busy.err()).contains("node n1 still has subscribers: n2");
            Result self = londiste(leaf, "change-provider", "--provider=n2");
            assertThat(self.exit()).isEqualTo(1);
            assertThat(self.err()).contains("node n2 cannot be its own provider");

            Result dropped = londiste(root, "drop-node", "n2");
            assertThat(dropped.exit()).as(dropped.out() + dropped.err()).isZero();
            assertThat(dropped.out()).contains("Node 'n2' dropped");
            assertThat(r.longValue("select count(*) from pgq_node.node_location where node_name = 'n2'")).isZero();
            assertThat(r.longValue("select count(*) from pgq_node.subscriber_info")).isZero();
            assertThat(l.longValue("select count(*) from pgq_node.node_info")).isZero();
        }
    }

    @Test
    void createBranchWritesTheSyncWatermarkListAsLondiste3Does() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb branchDb = PG.db(1);
        Path root = ini("root", rootDb);
        Path branch = ini("branch", branchDb);
        try (Sql b = branchDb.open()) {
            assertThat(londiste(root, "create-root", "n1", location(rootDb)).exit()).isZero();
            Result leaf = londiste(branch, "create-leaf", "n2", location(branchDb), "--provider=" + location(rootDb),
                    "--sync-watermark=n3");
            assertThat(leaf.exit()).as("create-leaf has no such option").isEqualTo(2);
            assertThat(leaf.err()).contains("--sync-watermark");
            Result created = londiste(branch, "create-branch", "n2", location(branchDb),
                    "--provider=" + location(rootDb), "--sync-watermark=n3,n4");
            assertThat(created.exit()).as(created.err()).isZero();
            // the node attribute londiste3's worker reads: urlencoded, the list as given
            assertThat(b.value("select node_attrs from pgq_node.get_node_info('cq')"))
                    .isEqualTo("sync_watermark=n3%2Cn4");
        }
    }
}
