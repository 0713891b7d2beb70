package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.ExecuteScripts;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.SeqSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * EXECUTE scripts and sequences through a root and a leaf: a script runs on every node that
 * replicates what its meta lines name (with @table@ replaced by the local name), is skipped
 * where it does not, and runs once; a sequence used on the root is kept ahead on the leaf.
 */
class ExecuteAndSequenceTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    static final String Q = "exq";

    @TempDir
    Path dir;

    @Test
    void scriptsRunWhereTheyApplyOnceAndSequencesStayAhead() throws Exception {
        TestDb rootDb = PG.db(0);
        TestDb leafDb = PG.db(1);
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open(); LondisteNodes nodes = new LondisteNodes()) {
            String ddl = "create table public.t (id int primary key); create table public.other (id int primary key);"
                         + "create sequence public.s1";
            root.exec(ddl);
            leaf.exec(ddl);
            new NodeSetup(Q, "rw").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup(Q, "lw").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb), location(rootDb));
            new TableSetup(Q).addTables(root.connection(), List.of("t", "other"), false, AddTableOptions.DEFAULTS);
            new TableSetup(Q).addTables(leaf.connection(), List.of("t"), false, AddTableOptions.DEFAULTS);
            assertThat(new SeqSetup(Q).addSeqs(root.connection(), List.of("s1"), false, false))
                    .allMatch(TableSetup.Outcome::ok);
            nodes.ticker(rootDb);
            nodes.worker(rootDb, Q);
            WorkerLoop leafWorker = nodes.worker(leafDb, Q);
            await().atMost(Duration.ofSeconds(60)).until(() -> "ok".equals(
                    leaf.value("select merge_state from londiste.table_info where table_name = 'public.t'")));

            Path everywhere = Files.writeString(dir.resolve("add_col.sql"),
                    "--*-- Local-Table: public.t\n\nalter table @public.t@ add column extra text;\n");
            Path rootOnly = Files.writeString(dir.resolve("other_only.sql"),
                    "--*-- Local-Table: public.other\ncreate table public.made_by_script (x int);\n");
            ExecuteScripts exec = new ExecuteScripts(Q);
            assertThat(exec.execute(root.connection(), List.of(everywhere, rootOnly)))
                    .anyMatch(l -> l.contains("add_col.sql"));
            assertThat(exec.execute(root.connection(), List.of(everywhere))).anyMatch(l -> l.startsWith("Skipping"));
            root.exec("insert into t values (1, 'x')");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(leaf.value("select extra from t where id = 1")).isEqualTo("x");
                assertThat(leaf.column("select execute_file from londiste.applied_execute order by 1"))
                        .containsExactly("add_col.sql", "other_only.sql");
            });
            assertThat(root.value("select to_regclass('public.made_by_script')")).isNotNull();
            assertThat(leaf.value("select to_regclass('public.made_by_script')")).isNull();

            // the sequence: used on the root, published ahead, set on the leaf once it replicates it
            root.exec("select nextval('s1') from generate_series(1, 50)");
            await().atMost(Duration.ofSeconds(60)).until(() -> leaf.longValue("select count(*) from londiste.seq_info"
                                                                              + " where seq_name = 'public.s1'") == 1);
            assertThat(new SeqSetup(Q).addSeqs(leaf.connection(), List.of("s1"), false, false))
                    .allMatch(TableSetup.Outcome::ok);
            assertThat(leaf.longValue("select last_value from s1"))
                    .isGreaterThan(root.longValue("select last_value from s1"));
            assertThat(leafWorker.lastFailure()).isNull();
        }
    }
}
