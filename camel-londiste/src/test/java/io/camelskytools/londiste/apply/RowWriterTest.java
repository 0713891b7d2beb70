package io.camelskytools.londiste.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a worker's writes leave in the target when one batch updates the same rows many times:
 * the last image of each row, with fewer statements where nothing could tell the difference,
 * and every step in order where something could (another unique index, an ALWAYS trigger).
 */
class RowWriterTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1);

    @Test
    void repeatedUpdatesOfOneKeyEndAsTheLastImageInOneStatement() throws Exception {
        try (Sql s = PG.db(0).open(); Connection c = PG.db(0).connect(); RowWriter w = new RowWriter(c)) {
            s.exec("create table public.branches (bid int primary key, bbalance int, filler text)");
            s.exec("insert into branches select i, 0, 'x' from generate_series(1, 3) i");
            c.setAutoCommit(false);
            w.startBatch();
            int balance = 0;
            for (int i = 1; i <= 300; i++) {
                balance += i;
                w.write("public.branches", update(Map.of("bid", String.valueOf(i % 3 + 1)), "bbalance",
                        String.valueOf(balance), "filler", "t" + i));
            }
            w.flush();
            c.commit();
            assertThat(w.rowsWritten()).isEqualTo(3);
            assertThat(w.rowsCollapsed()).isEqualTo(297);
            assertThat(s.rows("select bid, bbalance, filler from branches order by bid")).containsExactly(
                    Map.of("bid", 1, "bbalance", sum(300), "filler", "t300"),
                    Map.of("bid", 2, "bbalance", sum(298), "filler", "t298"),
                    Map.of("bid", 3, "bbalance", sum(299), "filler", "t299"));
        }
    }

    @Test
    void updatesOfManyKeysInOneStatementKeepEveryTypeAndNull() throws Exception {
        try (Sql s = PG.db(0).open(); Connection c = PG.db(0).connect(); RowWriter w = new RowWriter(c)) {
            s.exec("create table public.\"Mixed Types\" (id bigint primary key, amount numeric(10,2),"
                   + " at timestamptz, note varchar(20), data jsonb)");
            s.exec("insert into \"Mixed Types\" select i, 0, now(), 'x', '{}' from generate_series(1, 4) i");
            c.setAutoCommit(false);
            w.startBatch();
            for (int i = 1; i <= 4; i++) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("id", String.valueOf(i));
                row.put("amount", i + ".25");
                row.put("at", "2026-12-0" + i + " 10:00:00+00");
                row.put("note", i % 2 == 0 ? null : "n" + i);
                row.put("data", "{\"k\": " + i + "}");
                w.write("public.Mixed Types", new RowChange('U', List.of("id"), row));
            }
            w.flush();
            c.commit();
            assertThat(s.rows("select id, amount::text as amount, extract(day from at at time zone 'UTC')::int as day,"
                              + " note, data->>'k' as k from \"Mixed Types\" order by id"))
                    .containsExactly(
                            row(1, "1.25", 1, "n1", "1"), row(2, "2.25", 2, null, "2"),
                            row(3, "3.25", 3, "n3", "3"), row(4, "4.25", 4, null, "4"));
            // an array column: unnest would flatten it, so those updates go one by one
            s.exec("create table public.tagged (id int primary key, tags text[])");
            s.exec("insert into tagged values (1, '{}'), (2, '{}')");
            w.startBatch();
            for (int i = 1; i <= 2; i++) {
                Map<String, String> r = new LinkedHashMap<>();
                r.put("id", String.valueOf(i));
                r.put("tags", "{a,\"b " + i + "\"}");
                w.write("public.tagged", new RowChange('U', List.of("id"), r));
            }
            w.flush();
            c.commit();
            assertThat(s.column("select tags[2] from tagged order by id")).containsExactly("b 1", "b 2");
        }
    }

    private static Map<String, Object> row(long id, String amount, int day, String note, String k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("amount", amount);
        m.put("day", day);
        m.put("note", note);
        m.put("k", k);
        return m;
    }

    @Test
    void rowsSwappingAUniqueValueAreUpdatedStepByStep() throws Exception {
        try (Sql s = PG.db(0).open(); Connection c = PG.db(0).connect(); RowWriter w = new RowWriter(c)) {
            s.exec("create table public.slots (id int primary key, code text unique)");
            s.exec("insert into slots values (1, 'a'), (2, 'b')");
            c.setAutoCommit(false);
            w.startBatch();
            // as on the root: 1 frees 'a', 2 takes it and frees 'b', 1 takes 'b'
            w.write("public.slots", update(Map.of("id", "1"), "code", "c"));
            w.write("public.slots", update(Map.of("id", "2"), "code", "a"));
            w.write("public.slots", update(Map.of("id", "1"), "code", "b"));
            w.flush();
            c.commit();
            assertThat(w.rowsCollapsed()).isZero();
            assertThat(s.rows("select id, code from slots order by id"))
                    .containsExactly(Map.of("id", 1, "code", "b"), Map.of("id", 2, "code", "a"));
        }
    }

    @Test
    void aTriggerThatFiresOnReplicasSeesEveryUpdate() throws Exception {
        try (Sql s = PG.db(0).open(); Connection c = PG.db(0).connect(); RowWriter w = new RowWriter(c)) {
            s.exec("create table public.audited (id int primary key, v int)");
            s.exec("create table public.audit_log (id int, v int)");
            s.exec("insert into audited values (1, 0)");
            s.exec("create function public.log_v() returns trigger language plpgsql as"
                   + " $$ begin insert into public.audit_log values (new.id, new.v); return new; end $$");
            s.exec("create trigger log_v after update on audited for each row execute function public.log_v()");
            s.exec("alter table audited enable always trigger log_v");
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.execute("set local session_replication_role = replica");
            }
            w.startBatch();
            for (int v = 1; v <= 3; v++) {
                w.write("public.audited", update(Map.of("id", "1"), "v", String.valueOf(v)));
            }
            w.flush();
            c.commit();
            assertThat(s.column("select v from audit_log order by v")).containsExactly(1, 2, 3);
        }
    }

    /** The balance after event {@code last}: each event i added i. */
    private static int sum(int last) {
        return last * (last + 1) / 2;
    }

    private static RowChange update(Map<String, String> key, String... columnValues) {
        Map<String, String> row = new LinkedHashMap<>(key);
        for (int i = 0; i < columnValues.length; i += 2) {
            row.put(columnValues[i], columnValues[i + 1]);
        }
        return new RowChange('U', List.copyOf(key.keySet()), row);
    }
}
