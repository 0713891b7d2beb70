package io.camelskytools.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.SkytoolsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** `skytools bench` on a database: every measure runs, ratios are printed, nothing is left behind. */
class BenchCommandTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    @Test
    void smallBenchRunsAndCleansUp() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SkytoolsCli.execute(new String[] {"bench", "--db", PG.db().jdbcUrl(), "--events", "2000",
                                                     "--latency-seconds", "2"},
                new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("bench: preparing events 2,000/2,000")
                .contains("consumer route (batchMode) / JDBC loop").contains("List producer / plain-table COPY")
                .contains("latency p99, ticker routes + NOTIFY");
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(*) from pgq.queue where queue_name like 'bench%'")).isZero();
            assertThat(s.value("select to_regclass('bench_plain_events')")).isNull();
        }
    }
}
