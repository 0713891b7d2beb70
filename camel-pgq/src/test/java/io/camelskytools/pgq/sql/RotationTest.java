package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

/** Table rotation never truncates what a consumer still has to read. */
class RotationTest extends PgqSqlTestSupport {

    /** One maintenance round, each operation in its own transaction, as pgqd runs it. */
    private static void maintain(Sql s) throws Exception {
        for (var op : s.rows("select * from pgq.maint_operations()")) {
            String fn = (String) op.get("func_name");
            if (fn.equals("vacuum")) {
                continue;
            }
            if (op.get("func_arg") == null) {
                s.exec("select " + fn + "()");
            } else {
                s.exec("select " + fn + "(?)", op.get("func_arg"));
            }
        }
    }

    private static int curTable(Sql s) throws Exception {
        return ((Number) s.value("select queue_cur_table from pgq.queue where queue_name = 'q'")).intValue();
    }

    @Test
    void slowConsumerHoldsRotationAndLosesNothing() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.set_queue_config('q', 'rotation_period', '0')");
            s.exec("select pgq.register_consumer('q', 'fast')");
            s.exec("select pgq.register_consumer('q', 'slow')");
            List<Object> written = new ArrayList<>();
            List<Object> fastSeen = new ArrayList<>();
            int rotations = 0;
            for (int round = 0; round < 8; round++) {
                s.exec("select pgq.insert_event('q', 't', ?)", "e" + round);
                written.add("e" + round);
                tick(s, "q");
                List<Object> b;
                while ((b = consume(s, "q", "fast")) != null) {
                    fastSeen.addAll(b);
                }
                int before = curTable(s);
                maintain(s);
                maintain(s);
                if (curTable(s) != before) {
                    rotations++;
                }
            }
            assertThat(fastSeen).containsExactlyElementsOf(written);
            // the slow consumer has not moved: at most one rotation (into the second table) could happen
            assertThat(rotations).isLessThanOrEqualTo(1);
            List<Object> slowSeen = new ArrayList<>();
            List<Object> b;
            while ((b = consume(s, "q", "slow")) != null) {
                slowSeen.addAll(b);
            }
            assertThat(slowSeen).containsExactlyElementsOf(written);
        }
    }

    @Test
    void rotationCyclesThroughTablesWhenConsumersKeepUp() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.set_queue_config('q', 'rotation_period', '0')");
            s.exec("select pgq.register_consumer('q', 'c')");
            List<Integer> tables = new ArrayList<>();
            List<Object> written = new ArrayList<>();
            List<Object> seen = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                s.exec("select pgq.insert_event('q', 't', ?)", "e" + round);
                written.add("e" + round);
                tick(s, "q");
                tick(s, "q");
                List<Object> b;
                while ((b = consume(s, "q", "c")) != null) {
                    seen.addAll(b);
                }
                maintain(s);
                maintain(s);
                tables.add(curTable(s));
            }
            assertThat(seen).containsExactlyElementsOf(written);
            assertThat(tables).contains(0, 1, 2);
            long qid = s.longValue("select queue_id from pgq.queue");
            long rows = 0;
            for (int i = 0; i < 3; i++) {
                rows += s.longValue("select count(*) from pgq.event_" + qid + "_" + i);
            }
            // old tables were truncated, not kept forever
            assertThat(rows).isLessThan(written.size());
        }
    }
}
