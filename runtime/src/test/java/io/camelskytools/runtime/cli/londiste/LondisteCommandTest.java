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
 * {@code skytools londiste CONFIG.ini COMMAND} on londiste3 ini files and two real servers:
 * node set-up, tables, the admin read-outs, and the refusals a Skytools user knows, with
 * exit codes scripts can trust.
 */
class LondisteCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    @TempDir
    Path dir;

    static String location(TestDb db) {
        return "host=" + db.server().host() + " port=" + db.server().port() + " dbname=" + db.name() + " user=postgres";
    }

    Path ini(String name, TestDb db) throws Exception {
        Path ini = dir.resolve(name + ".ini");
        Files.writeString(ini, String.join("\n", "[londiste]", "job_name = lond_" + name, "db = " + location(db),
                "queue_name = cliq", "logfile = ~/log/%(job_name)s.log", "pidfile = ~/pid/%(job_name)s.pid", ""));
        return ini;
    }

    static Result londiste(Path ini, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "londiste";
        full[1] = ini.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return InProcessCli.run(full);
    }

    @Test
    void setsUpARootAndALeafAndTheirTables() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        Path root = ini("root", rootDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql l = leafDb.open()) {
            r.exec("create table public.orders (id int primary key, v text); create table public.nokey (v text)");
            l.exec("create table public.orders (id int primary key, v text)");

            Result created = londiste(root, "create-root", "n1", location(rootDb));
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(created.out()).contains("Node \"n1\" initialized for queue \"cliq\" with type \"root\"");
            Result leafCreated = londiste(leaf, "create-leaf", "n2", location(leafDb), "--provider=" + location(rootDb));
            assertThat(leafCreated.exit()).as(leafCreated.err()).isZero();
            assertThat(leafCreated.out()).contains("with type \"leaf\"");

            Result again = londiste(root, "create-root", "n1");
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("already initialized as root n1");

            assertThat(londiste(root, "add-table", "orders").out()).contains("Table added: public.orders");
            Result noKey = londiste(root, "add-table", "nokey");
            assertThat(noKey.exit()).isEqualTo(1);
            assertThat(noKey.out()).contains("Primary key missing on table: public.nokey");
            Result evil = londiste(root, "add-table", "orders; drop table orders");
            assertThat(evil.exit()).isEqualTo(1);
            assertThat(r.longValue("select count(*) from orders")).isZero();

            Result leafAdd = londiste(leaf, "add-table", "orders");
            assertThat(leafAdd.exit()).as(leafAdd.out() + leafAdd.err()).isZero();
            assertThat(londiste(leaf, "tables").out()).contains("public.orders  state=new");
            assertThat(londiste(leaf, "tables", "--names-only").out().strip()).isEqualTo("public.orders");
            Result status = londiste(leaf, "status");
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("Queue: cliq   Local node: n2").contains("n1 (root)")
                    .contains("+--: n2 (leaf)").contains("Tables: 1 total, 1 ok, 0 in copy")
                    .contains("Tables: 1 total, 0 ok, 1 in copy");
            assertThat(londiste(leaf, "show-handlers").out()).contains("londiste: Applies the table's changes")
                    .contains("applyfn: ").contains("vtable: ").contains("qtable: ").contains("bulk: ")
                    .contains("method=0|1|2").contains("qsplitter: ").contains("shard: ").contains("part: ")
                    .contains("dispatch: ").contains("part_mode=").contains("bulk_daily_field: ");
            assertThat(londiste(leaf, "show-handlers", "nosuch").exit()).isEqualTo(1);
            assertThat(londiste(leaf, "members").out()).contains("n1").contains("n2").contains("dbname=" + rootDb.name());
            assertThat(londiste(leaf, "node-info").out()).contains("node: n2  type: leaf").contains("provider: n1");

            // no worker runs: the flag is set, the acknowledgement never comes
            Result pause = londiste(leaf, "pause", "--timeout", "1");
            assertThat(pause.exit()).isEqualTo(1);
            assertThat(pause.out()).contains("Consumer 'lond_leaf' on node 'n2' tagged as paused")
                    .contains("did not acknowledge in 1 s");
            assertThat(l.value("select paused from pgq_node.local_state where consumer_name = 'lond_leaf'"))
                    .isEqualTo(true);
            londiste(leaf, "resume", "--timeout", "1");
            assertThat(l.value("select paused from pgq_node.local_state where consumer_name = 'lond_leaf'"))
                    .isEqualTo(false);

            Result notReplicated = londiste(leaf, "wait-sync", "--timeout", "1");
            assertThat(notReplicated.exit()).isEqualTo(1);
            assertThat(notReplicated.out()).contains("not in sync: public.orders (new)");

            Result removed = londiste(leaf, "remove-table", "orders");
            assertThat(removed.exit()).isZero();
            assertThat(londiste(leaf, "tables").out()).doesNotContain("orders");

            // a table the leaf lacks is made from the root's
            r.exec("create table public.items (id bigint primary key, name text not null)");
            assertThat(londiste(root, "add-table", "items").exit()).isZero();
            Result create = londiste(leaf, "add-table", "items", "--create");
            assertThat(create.exit()).as(create.out() + create.err()).isZero();
            assertThat(create.out()).contains("Table created: public.items");
            assertThat(l.value("select format_type(atttypid, atttypmod) from pg_attribute"
                               + " where attrelid = 'public.items'::regclass and attname = 'id'")).isEqualTo("bigint");
            assertThat(londiste(leaf, "tables", "--names-only").out().strip()).isEqualTo("public.items");
        }
    }

    @Test
    void badConfigFilesAndUnknownNodesAreRefusedWithTheReason() throws Exception {
        Path bad = dir.resolve("bad.ini");
        Files.writeString(bad, "[londiste]\ndb = dbname=x\n");
        Result noQueue = londiste(bad, "tables");
        assertThat(noQueue.exit()).isEqualTo(1);
        assertThat(noQueue.err()).contains("queue_name is missing");

        Result missingFile = londiste(dir.resolve("nothere.ini"), "tables");
        assertThat(missingFile.exit()).isEqualTo(1);
        assertThat(missingFile.err()).contains("Config file not found");

        Path plain = ini("plain", PG.newDb(0, "plain"));
        Result noNode = londiste(plain, "node-info");
        assertThat(noNode.exit()).isEqualTo(1);
        assertThat(noNode.err()).contains("is no node of queue cliq");

        Result usage = londiste(plain, "add-table");
        assertThat(usage.exit()).isEqualTo(1);
        assertThat(usage.err()).contains("name the tables to add, or --all");

        Result leafWithoutProvider = londiste(plain, "create-leaf", "n9");
        assertThat(leafWithoutProvider.exit()).isEqualTo(1);
        assertThat(leafWithoutProvider.err()).contains("--provider is missing");
    }
}
