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
 * `create-leaf --merge` and `add-table --merge-all` as a londiste3 user types them: a
 * partition root, and in the combined database the combined queue's root and the
 * partition's merge-leaf; the mistakes are refused with the reason.
 */
class MergeLeafCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(2).withLondiste();

    @TempDir
    Path dir;

    @Test
    void createLeafMergeMakesAMergeLeafOfTheCombinedQueue() throws Exception {
        TestDb partDb = PG.db(0);
        TestDb combDb = PG.db(1);
        Path part = ini("part", "part1", partDb);
        Path comb = ini("comb", "combined", combDb);
        Path merge = ini("merge", "part1", combDb);
        try (Sql p = partDb.open(); Sql c = combDb.open()) {
            p.exec("create table public.acc (id int primary key, v text)");
            c.exec("create table public.acc (id int primary key, v text)");
            assertThat(londiste(part, "create-root", "p1", location(partDb)).exit()).isZero();
            assertThat(londiste(part, "add-table", "acc").exit()).isZero();

            Result noCombined = londiste(merge, "create-leaf", "p1merge", location(combDb),
                    "--provider=" + location(partDb), "--merge=combined");
            assertThat(noCombined.exit()).isEqualTo(1);
            assertThat(noCombined.out() + noCombined.err())
                    .contains("combined queue combined has no root or branch node in this database");

            assertThat(londiste(comb, "create-root", "croot", location(combDb)).exit()).isZero();
            Result created = londiste(merge, "create-leaf", "p1merge", location(combDb),
                    "--provider=" + location(partDb), "--merge=combined");
            assertThat(created.exit()).as(created.out() + created.err()).isZero();
            assertThat(c.row("select node_type, combined_queue, combined_type from pgq_node.get_node_info('part1')"))
                    .containsEntry("node_type", "leaf").containsEntry("combined_queue", "combined")
                    .containsEntry("combined_type", "root");

            Result both = londiste(merge, "add-table", "acc", "--merge-all", "--no-merge");
            assertThat(both.exit()).isEqualTo(1);
            assertThat(both.out() + both.err()).contains("--merge-all and --no-merge exclude each other");
            Result added = londiste(merge, "add-table", "acc", "--merge-all");
            assertThat(added.exit()).as(added.out() + added.err()).isZero();
            // the merge-leaf copies it; the combined root has it at once
            assertThat(c.column("select queue_name || ':' || coalesce(merge_state, 'new') from londiste.table_info"
                                + " where table_name = 'public.acc' and local order by 1"))
                    .containsExactly("combined:ok", "part1:new");
        }
    }

    private Path ini(String name, String queue, TestDb db) throws Exception {
        Path ini = dir.resolve(name + ".ini");
        Files.writeString(ini, String.join("\n", "[londiste]", "job_name = lond_" + name, "db = " + location(db),
                "queue_name = " + queue, ""));
        return ini;
    }
}
