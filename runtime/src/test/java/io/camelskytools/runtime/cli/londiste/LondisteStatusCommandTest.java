package io.camelskytools.runtime.cli.londiste;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} and {@code status --json} on root -> branch -> leaf over three real servers:
 * the branch has a table still to copy, the leaf is paused with no worker to see it, one more
 * leaf of the branch is on a server that is down and one member of the root is tagged dead.
 * The tree, every node's flags and table counts, in text and in the JSON document.
 */
class LondisteStatusCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withLondiste();

    @TempDir
    Path dir;

    static String location(TestDb db) {
        return "host=" + db.server().host() + " port=" + db.server().port() + " dbname=" + db.name() + " user=postgres";
    }

    Path ini(String name, TestDb db) throws Exception {
        return Files.writeString(dir.resolve(name + ".ini"), String.join("\n", "[londiste]", "job_name = lond_" + name,
                "db = " + location(db), "queue_name = sq", ""));
    }

    static Result londiste(Path ini, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "londiste";
        full[1] = ini.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return InProcessCli.run(full);
    }

    @Test
    void statusShowsTheTreeWithFlagsTablesAndMembersThatCannotBeRead() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb branchDb = PG.db(1);
        TestDb leafDb = PG.db(2);
        Path root = ini("root", rootDb);
        Path branch = ini("branch", branchDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql b = branchDb.open(); Sql l = leafDb.open()) {
            for (Sql s : List.of(r, b, l)) {
                s.exec("create table public.orders (id int primary key, v text)");
                s.exec("create table public.items (id int primary key, v text)");
            }
            assertThat(londiste(root, "create-root", "n1", location(rootDb)).exit()).isZero();
            assertThat(londiste(root, "add-table", "orders", "items").exit()).isZero();
            assertThat(londiste(branch, "create-branch", "n2", location(branchDb), "--provider=" + location(rootDb))
                    .exit()).isZero();
            assertThat(londiste(leaf, "create-leaf", "n3", location(leafDb), "--provider=" + location(branchDb))
                    .exit()).isZero();
            // no worker runs: the branch's tables wait for their copy, one of them is none of the branch's
            assertThat(londiste(branch, "add-table", "orders").exit()).isZero();
            // tagged paused; with no worker to see it the command gives up waiting, the flag stays
            assertThat(londiste(leaf, "pause", "--timeout=1").exit()).isEqualTo(1);

            // n9: a leaf of the branch whose server is down; n8: a leaf of the root tagged dead
            String down = "host=127.0.0.1 port=" + closedPort() + " dbname=gone user=postgres password=secret";
            b.exec("select * from pgq_node.register_location('sq', 'n9', ?, false)", down);
            b.exec("select * from pgq_node.register_subscriber('sq', 'n9', 'lond_n9', null)");
            r.exec("select * from pgq_node.register_location('sq', 'n8', ?, true)", down);
            r.exec("select * from pgq_node.register_subscriber('sq', 'n8', 'lond_n8', null)");
            l.exec("select * from pgq_node.register_location('sq', 'n9', ?, false)", down);
            l.exec("select * from pgq_node.register_location('sq', 'n8', ?, true)", down);

            Result text = londiste(leaf, "status");
            assertThat(text.exit()).as("a member cannot be read").isEqualTo(1);
            List<String> lines = text.out().lines().toList();
            assertThat(lines.get(0)).isEqualTo("Queue: sq   Local node: n3");
            assertThat(lines).as(text.out()).contains("n1 (root)", "  +--: n2 (branch)", "  +--: n8 (DEAD)",
                    "       +--: n3 (leaf)", "       +--: n9 (UNREACHABLE)");
            // no worker runs on the root either: it has not seen its flags
            assertThat(block(lines, "n1 (root)")).as(text.out())
                    .anyMatch(s -> s.endsWith("Tables: 2 total, 2 ok, 0 in copy"))
                    .anyMatch(s -> s.matches(".*\\|   Lag: \\d+s, Tick: \\d+, NOT UPTODATE"));
            assertThat(block(lines, "+--: n2 (branch)")).as(text.out()).anyMatch(s -> s.endsWith(
                    "Tables: 1 total, 0 ok, 1 in copy, 1 not here"));
            assertThat(block(lines, "+--: n3 (leaf)")).as(text.out())
                    .anyMatch(s -> s.endsWith("Tables: 0 total, 0 ok, 0 in copy, 2 not here"))
                    .anyMatch(s -> s.matches(".*\\|   Lag: \\d+s, Tick: \\d+, PAUSED, NOT UPTODATE"));
            assertThat(block(lines, "+--: n9 (UNREACHABLE)")).as(text.out())
                    .anyMatch(s -> s.contains("Location: host=127.0.0.1"))
                    .anyMatch(s -> s.contains("Problem: ")).noneMatch(s -> s.contains("secret"));
            assertThat(text.out()).doesNotContain("secret");

            Result json = londiste(leaf, "status", "--json");
            assertThat(json.exit()).isEqualTo(1);
            JsonNode doc = new ObjectMapper().readTree(json.out());
            assertThat(doc.get("nodes")).as(json.out()).hasSize(5);
            assertThat(doc.get("queue").asText()).isEqualTo("sq");
            assertThat(doc.get("local_node").asText()).isEqualTo("n3");
            assertThat(doc.get("root").asText()).isEqualTo("n1");
            List<String> order = new ArrayList<>();
            doc.get("nodes").forEach(n -> order.add(n.get("name").asText()));
            assertThat(order).containsExactly("n1", "n2", "n3", "n9", "n8");
            JsonNode n1 = node(doc, "n1");
            assertThat(n1.get("state").asText()).isEqualTo("ok");
            assertThat(n1.get("type").asText()).isEqualTo("root");
            assertThat(n1.get("provider").isNull()).isTrue();
            assertThat(n1.get("tables").get("ok").asInt()).isEqualTo(2);
            assertThat(n1.get("last_tick").asLong()).isPositive();
            assertThat(n1.get("lag_seconds").asLong()).isGreaterThanOrEqualTo(0);
            JsonNode n2 = node(doc, "n2");
            assertThat(n2.get("provider").asText()).isEqualTo("n1");
            assertThat(n2.get("paused").asBoolean()).isFalse();
            assertThat(n2.get("tables").get("total").asInt()).isEqualTo(1);
            assertThat(n2.get("tables").get("in_copy").asInt()).isEqualTo(1);
            assertThat(n2.get("tables").get("not_replicated").asInt()).isEqualTo(1);
            JsonNode n3 = node(doc, "n3");
            assertThat(n3.get("type").asText()).isEqualTo("leaf");
            assertThat(n3.get("provider").asText()).isEqualTo("n2");
            assertThat(n3.get("paused").asBoolean()).isTrue();
            assertThat(n3.get("uptodate").asBoolean()).isFalse();
            assertThat(n3.get("error").isNull()).isTrue();
            assertThat(n3.get("last_tick").asLong()).isPositive();
            JsonNode n9 = node(doc, "n9");
            assertThat(n9.get("state").asText()).isEqualTo("unreachable");
            assertThat(n9.get("provider").asText()).isEqualTo("n2");
            assertThat(n9.get("problem").asText()).isNotBlank();
            assertThat(n9.get("type").isNull()).isTrue();
            assertThat(n9.get("tables").isNull()).isTrue();
            assertThat(n9.get("location").asText()).doesNotContain("secret");
            JsonNode n8 = node(doc, "n8");
            assertThat(n8.get("state").asText()).isEqualTo("dead");
            assertThat(n8.get("provider").asText()).isEqualTo("n1");

            // the same tree asked on the root, once the members that cannot be read are gone
            b.exec("select * from pgq_node.unregister_subscriber('sq', 'n9')");
            l.exec("select * from pgq_node.unregister_location('sq', 'n9')");
            r.exec("select * from pgq_node.unregister_subscriber('sq', 'n8')");
            r.exec("select * from pgq_node.unregister_location('sq', 'n8')");
            Result onRoot = londiste(root, "status", "--json");
            assertThat(onRoot.exit()).as(onRoot.err()).isZero();
            List<String> names = new ArrayList<>();
            new ObjectMapper().readTree(onRoot.out()).get("nodes").forEach(n -> names.add(n.get("name").asText()));
            assertThat(names).containsExactly("n1", "n2", "n3");
        }
    }

    /** The lines of one member: its headline and the "|" lines under it. */
    private static List<String> block(List<String> lines, String headline) {
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(headline.strip())) {
                at = i;
            }
        }
        assertThat(at).as("line " + headline).isNotNegative();
        List<String> out = new ArrayList<>();
        for (int i = at + 1; i < lines.size() && lines.get(i).strip().startsWith("|"); i++) {
            out.add(lines.get(i));
        }
        return out;
    }

    private static JsonNode node(JsonNode doc, String name) {
        for (JsonNode n : doc.get("nodes")) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + doc);
    }

    /** A local port nothing listens on. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
