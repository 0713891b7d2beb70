package io.camelskytools.londiste.interop;

import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.CascadeAdmin;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.pgq.schema.SchemaInstaller;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A root whose pgq is ours under Skytools' own pgq_node (its plain SQL). Skytools' demote_root
 * step 2 waits only for producers already inside the queue's event table; a trigger on
 * logutriga's fast path decides that the queue is open from pgq's DDL epoch, not from
 * pgq.queue, and could insert after the last tick. So our takeover first waits for every
 * transaction that read the epoch, as our own step 2 does: here one whose trigger wrote to
 * another queue and that is still open.
 */
@Tag("needs-debian")
class TakeoverOverSkytoolsPgqNodeTest {

    private static final Path SKYTOOLS_PGQ_NODE = Path.of("/usr/share/postgresql/15/contrib/pgq_node.sql");

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2);

    static final String Q = "skyq";

    @Test
    void theTakeoverWaitsForATransactionThatRanTheTriggerFastPath() throws Exception {
        assertThat(SKYTOOLS_PGQ_NODE).as("postgresql-15-pgq-node's plain SQL").exists();
        TestDb[] db = {PG.db(0), PG.db(1)};
        try (Sql n1 = db[0].open(); Sql n2 = db[1].open(); Sql writer = db[0].open();
             LondisteNodes nodes = new LondisteNodes()) {
            SchemaInstaller.installPgq(n1.connection());
            try (Statement st = n1.connection().createStatement()) {
                st.execute(Files.readString(SKYTOOLS_PGQ_NODE));
            }
            SchemaInstaller.installLondiste(n1.connection());
            assertThat(n1.value("select to_regprocedure('pgq_node.camel_skytools_version()')")).isNull();
            SchemaInstaller.installPgq(n2.connection());
            SchemaInstaller.installPgqNode(n2.connection());
            SchemaInstaller.installLondiste(n2.connection());

            for (Sql s : List.of(n1, n2)) {
                s.exec("create table public.acc (id bigint primary key, v text)");
            }
            new NodeSetup(Q, "w1").createRoot(n1.connection(), "n1", location(db[0]));
            new NodeSetup(Q, "w2").createSubscriber(n2.connection(), "branch", "n2", location(db[1]), location(db[0]));
            TableSetup tables = new TableSetup(Q);
            tables.addTables(n1.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            tables.addTables(n2.connection(), List.of("acc"), false, AddTableOptions.DEFAULTS);
            nodes.ticker(db[0]);
            nodes.worker(db[0], Q);
            nodes.worker(db[1], Q);
            await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(n2.value(
                    "select merge_state from londiste.table_info where table_name = 'public.acc'")));

            n1.exec("select pgq.create_queue('side')");
            n1.exec("create table public.side_t (id int primary key)");
            n1.exec("create trigger side_trg after insert on side_t for each row execute procedure pgq.logutriga('side')");
            writer.exec("insert into acc values (1, 'before')");
            // the session keeps side_t's shape; its next transaction reads only the epoch
            writer.exec("insert into side_t values (1)");
            writer.begin();
            writer.exec("insert into side_t values (2)");
            long writerPid = writer.longValue("select pg_backend_pid()");

            CompletableFuture<Void> takeover = CompletableFuture.runAsync(() -> {
                try (Sql admin = db[1].open();
                     CascadeAdmin cascade = new CascadeAdmin(Q, admin.connection(), Duration.ofSeconds(60), l -> { })) {
                    cascade.takeover("n1", "n2", false, CascadeAdmin.OldNode.ALIVE);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the takeover's wait for the epoch's readers, blocked by the open writer
            try (Sql watch = db[0].open()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> watch.longValue(
                        "select count(*) from pg_locks w where w.relation = 'pgq.trg_ddl_epoch'::regclass"
                        + " and not w.granted and ? = any (pg_blocking_pids(w.pid))", writerPid) == 1);
            }
            assertThat(takeover).isNotDone();
            writer.commit();
            takeover.get();

            assertThat(n2.value("select node_type from pgq_node.node_info")).isEqualTo("root");
            assertThat(n1.value("select node_type from pgq_node.node_info")).isEqualTo("branch");
            assertThat(n2.column("select v from acc order by id")).containsExactly("before");
        }
    }
}
