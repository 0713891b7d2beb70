package io.camelskytools.runtime.cli.londiste;

import static io.camelskytools.runtime.cli.londiste.LondisteCommandTest.location;
import static io.camelskytools.runtime.cli.londiste.LondisteCommandTest.londiste;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Skytools user gets wrong, on a root and a leaf: a table without a primary key, an
 * unknown table, conflicting handler arguments, a bad ini file. Each is refused with exit 1
 * and londiste3's words, and changes nothing: londiste's tables, the node's state and the
 * triggers are as before.
 */
class LondisteRefusalTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    @TempDir
    Path dir;

    @Test
    void refusalsNameTheProblemAndChangeNothing() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        Path root = ini("root", rootDb);
        Path leaf = ini("leaf", leafDb);
        try (Sql r = rootDb.open(); Sql l = leafDb.open()) {
            r.exec("create table public.acc (id int primary key, v text); create table public.nokey (v text);"
                   + " create table public.other (id int primary key)");
            l.exec("create table public.acc (id int primary key, v text); create table public.nokey (v text);"
                   + " create table public.localonly (id int primary key)");
            assertThat(londiste(root, "create-root", "n1", location(rootDb)).exit()).isZero();
            assertThat(londiste(leaf, "create-leaf", "n2", location(leafDb), "--provider=" + location(rootDb)).exit())
                    .isZero();
            assertThat(londiste(root, "add-table", "acc").exit()).isZero();
            assertThat(londiste(leaf, "add-table", "acc").exit()).isZero();

            String rootBefore = catalog(r);
            String leafBefore = catalog(l);

            refused(londiste(root, "add-table", "nokey"), "Primary key missing on table: public.nokey");
            refused(londiste(root, "add-table", "nosuch"), "Table does not exist: public.nosuch");
            refused(londiste(root, "add-table", "other", "--handler=londiste", "--handler-arg=key=a",
                    "--handler-arg=key=b"), "multiple handler arguments: key");
            refused(londiste(root, "add-table", "other", "--handler=vtable", "--handler-arg=nosuch=1"),
                    "Invalid handler argument: [nosuch]");
            refused(londiste(root, "add-table", "other", "--handler-arg=key=a"), "--handler-arg given without --handler");
            refused(londiste(root, "add-table", "other", "--handler=nosuch"), "unknown handler \"nosuch\"");
            refused(londiste(root, "add-table", "other", "acc", "--dest-table=x"),
                    "--dest-table can be given only for single table");
            refused(londiste(root, "remove-table", "nosuch"), "Table not found: public.nosuch");
            assertThat(catalog(r)).isEqualTo(rootBefore);

            refused(londiste(leaf, "add-table", "nosuch"), "Table does not exist: public.nosuch");
            refused(londiste(leaf, "add-table", "localonly"), "Table not available on queue: public.localonly");
            refused(londiste(leaf, "resync", "nosuch"), "Table public.nosuch not found on this node");
            refused(londiste(leaf, "change-handler", "acc", "--handler=nosuch"), "unknown handler \"nosuch\"");
            refused(londiste(leaf, "change-handler", "acc", "--handler=londiste", "--handler-arg=a=1",
                    "--handler-arg=a=2"), "multiple handler arguments: a");
            assertThat(londiste(leaf, "compare", "nosuch").out()).contains("public.nosuch: skipped: Table not subscribed");
            assertThat(catalog(l)).isEqualTo(leafBefore);

            // bad ini files: nothing is even connected to
            Path noSection = dir.resolve("nosection.ini");
            Files.writeString(noSection, "[pgqd]\ndb = " + location(leafDb) + "\n");
            refused(londiste(noSection, "add-table", "acc"), "No section: 'londiste'");
            Path garbage = dir.resolve("garbage.ini");
            Files.writeString(garbage, "[londiste]\njob_name = j\nthis is no setting\n");
            refused(londiste(garbage, "add-table", "acc"), "line 3: expected key = value");
            Path noDb = dir.resolve("nodb.ini");
            Files.writeString(noDb, "[londiste]\njob_name = j\nqueue_name = cliq\n");
            refused(londiste(noDb, "add-table", "acc"), "db is missing");
            Path badNumber = dir.resolve("badnumber.ini");
            Files.writeString(badNumber, "[londiste]\njob_name = j\nqueue_name = cliq\ndb = " + location(leafDb)
                                         + "\nparallel_copies = many\n");
            refused(londiste(badNumber, "add-table", "acc"), "parallel_copies must be a whole number");
            assertThat(catalog(l)).isEqualTo(leafBefore);
        }
    }

    /** Exit 1 and the reason, in what the user sees (errors or the per-table report). */
    private static void refused(Result r, String reason) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out() + r.err()).contains(reason);
    }

    /** londiste's tables, the node's state and the user triggers of a database. */
    private static String catalog(Sql s) throws Exception {
        return s.rows("select * from londiste.table_info order by queue_name, table_name")
               + "\n" + s.rows("select * from londiste.seq_info order by queue_name, seq_name")
               + "\n" + s.rows("select * from pgq_node.local_state order by queue_name, consumer_name")
               + "\n" + s.rows("select * from pgq_node.node_location order by queue_name, node_name")
               + "\n" + s.rows("select tgrelid::regclass::text as tab, tgname, tgenabled from pg_trigger"
                               + " where not tgisinternal order by 1, 2")
               + "\n" + s.rows("select relname from pg_class where relnamespace = 'public'::regnamespace order by 1");
    }

    private Path ini(String name, TestDb db) throws Exception {
        Path ini = dir.resolve(name + ".ini");
        Files.writeString(ini, String.join("\n", "[londiste]", "job_name = lond_" + name, "db = " + location(db),
                "queue_name = cliq", ""));
        return ini;
    }
}
