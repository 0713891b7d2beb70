package io.camelskytools.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** `skytools bench` on a database: every measure runs, ratios are printed, nothing is left behind. */
class BenchCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    @Test
    void smallBenchRunsAndCleansUp() throws Exception {
        Result bench = InProcessCli.run("bench", "--db", PG.db().jdbcUrl(), "--events", "2000", "--latency-seconds", "2");
        assertThat(bench.exit()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("bench: preparing events 2,000/2,000")
                .contains("consumer route (batchMode) / JDBC loop").contains("List producer / plain-table COPY")
                .contains("latency p99, ticker routes + NOTIFY");
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(*) from pgq.queue where queue_name like 'bench%'")).isZero();
            assertThat(s.value("select to_regclass('bench_plain_events')")).isNull();
        }
    }
}
