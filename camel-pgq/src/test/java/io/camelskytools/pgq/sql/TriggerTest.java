package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

/** logutriga, jsontriga and sqltriga: event formats and every trigger argument. */
class TriggerTest extends PgqSqlTestSupport {

    /** Events of the next batch, as "type | data | extra1 | extra2" lines. */
    private static List<String> drain(Sql s) throws Exception {
        tick(s, "q");
        long batch = s.longValue("select pgq.next_batch('q', 'c')");
        List<String> out = new java.util.ArrayList<>();
        for (Map<String, Object> e : s.rows("select * from pgq.get_batch_events(?)", batch)) {
            out.add(e.get("ev_type") + " | " + e.get("ev_data") + " | " + e.get("ev_extra1") + " | " + e.get("ev_extra2")
                    + (e.get("ev_extra3") != null || e.get("ev_extra4") != null ? " | " + e.get("ev_extra3") + " | " + e.get("ev_extra4") : ""));
        }
        s.exec("select pgq.finish_batch(?)", batch);
        return out;
    }

    private static Sql setUp() throws Exception {
        Sql s = PG.db().open();
        s.exec("select pgq.create_queue('q')");
        s.exec("select pgq.register_consumer('q', 'c')");
        s.exec("create table t (id int primary key, txt text, val text)");
        return s;
    }

    @Test
    void logutrigaEncodesRowsAsUrlencodedForms() throws Exception {
        try (Sql s = setUp()) {
            s.exec("create trigger tg after insert or update or delete on t for each row execute procedure pgq.logutriga('q')");
            s.exec("insert into t values (1, 'text 1&2=3', null)");
            s.exec("update t set val = 'ünï' where id = 1");
            s.exec("delete from t where id = 1");
            assertThat(drain(s)).containsExactly(
                    "I:id | id=1&txt=text+1%262%3d3&val | public.t | null",
                    "U:id | id=1&txt=text+1%262%3d3&val=%c3%bcn%c3%af | public.t | null",
                    "D:id | id=1&txt=text+1%262%3d3&val=%c3%bcn%c3%af | public.t | null");
        }
    }

    @Test
    void jsontrigaEncodesRowsAsJson() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("create table j (id int8 primary key, n numeric, f float8, b bool, d date, ts timestamp, tz timestamptz,"
                    + " t text, a int[])");
            s.exec("set timezone = 'UTC'");
            s.exec("create trigger tg after insert or update or delete on j for each row execute procedure pgq.jsontriga('q')");
            s.exec("insert into j values (7, 1.50, 2.5, true, '2020-01-02', '2020-01-02 03:04:05.5', '2020-01-02 03:04:05+00',"
                    + " 'quote \" and \\ back', '{1,2}')");
            s.exec("update j set b = null where id = 7");
            s.exec("delete from j");
            List<String> ev = drain(s);
            assertThat(ev).hasSize(3);
            assertThat(ev.get(0)).isEqualTo("{\"op\":\"INSERT\",\"table\":[\"public\",\"j\"],\"pkey\":[\"id\"]} | "
                    + "{\"id\":7,\"n\":\"1.50\",\"f\":\"2.5\",\"b\":true,\"d\":\"2020-01-02\",\"ts\":\"2020-01-02T03:04:05.5\","
                    + "\"tz\":\"2020-01-02T03:04:05+00:00\",\"t\":\"quote \\\" and \\\\ back\",\"a\":\"{1,2}\"} | public.j | null");
            assertThat(ev.get(1)).startsWith("{\"op\":\"UPDATE\",\"table\":[\"public\",\"j\"],\"pkey\":[\"id\"]} | ")
                    .contains("\"b\":null");
            assertThat(ev.get(2)).startsWith("{\"op\":\"DELETE\",");
        }
    }

    @Test
    void sqltrigaWritesPartialSql() throws Exception {
        try (Sql s = setUp()) {
            s.exec("create trigger tg after insert or update or delete on t for each row execute procedure pgq.sqltriga('q')");
            s.exec("insert into t values (1, 'it''s', null)");
            s.exec("update t set val = 'v' where id = 1");
            s.exec("update t set val = 'v' where id = 1");
            s.exec("delete from t where id = 1");
            assertThat(drain(s)).containsExactly(
                    "I | (id,txt,val) values ('1','it''s',null) | public.t | null",
                    "U | val='v' where id='1' | public.t | null",
                    "U | id='1' where id='1' | public.t | null",
                    "D | id='1' | public.t | null");
        }
    }

    @Test
    void skipInBeforeTriggerDropsTheRowButKeepsTheEvent() throws Exception {
        try (Sql s = setUp()) {
            s.exec("create trigger tg before insert on t for each row execute procedure pgq.logutriga('q', 'SKIP')");
            s.exec("insert into t values (1, 'a', 'b')");
            assertThat(s.longValue("select count(*) from t")).isZero();
            assertThat(drain(s)).containsExactly("I:id | id=1&txt=a&val=b | public.t | null");
            s.exec("drop trigger tg on t");
            s.exec("create trigger tg after insert on t for each row execute procedure pgq.logutriga('q', 'SKIP')");
            assertThat(s.error("insert into t values (2, 'a', 'b')")).isEqualTo("SKIP does not work in AFTER trigger.");
            assertThat(s.longValue("select count(*) from t")).isZero();
        }
    }

    @Test
    void ignoredColumnsAndPkeyOverride() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("create table nopk (a int, b text, noise text)");
            s.exec("create trigger tg after insert or update or delete on nopk for each row"
                    + " execute procedure pgq.logutriga('q', 'ignore=noise', 'pkey=a')");
            s.exec("insert into nopk values (1, 'x', 'n1')");
            s.exec("update nopk set noise = 'n2'");
            s.exec("update nopk set b = 'y'");
            s.exec("delete from nopk");
            assertThat(drain(s)).containsExactly("I:a | a=1&b=x | public.nopk | null", "U:a | a=1&b=y | public.nopk | null",
                    "D:a | a=1&b=y | public.nopk | null");
        }
    }

    @Test
    void tableWithoutPkeyAndPkeyChanges() throws Exception {
        try (Sql s = setUp()) {
            s.exec("create table nopk (a int, b text)");
            s.exec("create trigger tg after insert or update or delete on nopk for each row execute procedure pgq.logutriga('q')");
            s.exec("insert into nopk values (1, 'x')");
            assertThat(s.error("update nopk set b = 'y'")).isEqualTo("Update/Delete on table without pkey");
            assertThat(s.error("delete from nopk")).isEqualTo("Update/Delete on table without pkey");
            s.exec("create trigger tg after insert or update or delete on t for each row execute procedure pgq.logutriga('q')");
            s.exec("insert into t values (1, 'a', 'b')");
            assertThat(s.error("update t set id = 2")).isEqualTo("primary key update not allowed");
        }
    }

    @Test
    void denyRefusesChanges() throws Exception {
        try (Sql s = setUp()) {
            s.exec("create trigger tg after insert or update or delete on t for each row execute procedure pgq.logutriga('q', 'deny')");
            assertThat(s.error("insert into t values (1, 'a', 'b')")).isEqualTo("Table 'public.t' to queue 'q': change not allowed (INSERT)");
            s.exec("set session_replication_role = 'local'");
            // 'local' turns the trigger off altogether
            s.exec("insert into t values (1, 'a', 'b')");
            s.exec("set session_replication_role = 'origin'");
            assertThat(s.error("delete from t")).isEqualTo("Table 'public.t' to queue 'q': change not allowed (DELETE)");
        }
    }

    @Test
    void whenBackupAndFieldOverrides() throws Exception {
        try (Sql s = setUp()) {
            s.exec("create trigger tg after insert or update on t for each row execute procedure pgq.logutriga('q',"
                    + " 'when=val is distinct from ''quiet''', 'backup', 'ev_type=''custom:''||txt', 'ev_extra1=''x.'' || id',"
                    + " 'ev_extra3=upper(txt)', 'ev_extra4=id*10')");
            s.exec("insert into t values (1, 'a', 'quiet')");
            s.exec("insert into t values (2, 'b', 'loud')");
            s.exec("update t set val = 'louder' where id = 2");
            assertThat(drain(s)).containsExactly("custom:b | id=2&txt=b&val=loud | x.2 | null | B | 20",
                    "custom:b | id=2&txt=b&val=louder | x.2 | id=2&txt=b&val=loud | B | 20");
        }
    }

    @Test
    void magicColumnsOverrideFields() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("create table m (id int primary key, v text, _pgq_ev_type text, _pgq_ev_extra1 text, _pgq_ev_extra2 text)");
            s.exec("create trigger tg after insert on m for each row execute procedure pgq.logutriga('q')");
            s.exec("insert into m values (1, 'x', 'my.type', 'my.table', 'two')");
            assertThat(drain(s)).containsExactly("my.type | id=1&v=x | my.table | two");
        }
    }

    @Test
    void truncateEvents() throws Exception {
        try (Sql s = setUp()) {
            s.exec("create trigger tl after truncate on t for each statement execute procedure pgq.logutriga('q')");
            s.exec("create table t2 (id int primary key)");
            s.exec("create trigger tj after truncate on t2 for each statement execute procedure pgq.jsontriga('q')");
            s.exec("create table t3 (id int primary key)");
            s.exec("create trigger ts after truncate on t3 for each statement execute procedure pgq.sqltriga('q')");
            s.exec("truncate t");
            s.exec("truncate t2");
            s.exec("truncate t3");
            assertThat(drain(s)).containsExactly("R |  | public.t | null",
                    "{\"op\":\"TRUNCATE\",\"table\":[\"public\",\"t2\"],\"pkey\":[\"id\"]} | {} | public.t2 | null",
                    "R |  | public.t3 | null");
        }
    }

    @Test
    void quotedNamesAndSchemas() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('Q x')");
            s.exec("select pgq.register_consumer('Q x', 'c')");
            s.exec("create schema \"Odd Schema\"");
            s.exec("create table \"Odd Schema\".\"My Table\" (\"Id\" int primary key, \"a b\" text)");
            s.exec("create trigger tg after insert or update on \"Odd Schema\".\"My Table\" for each row"
                    + " execute procedure pgq.sqltriga('Q x')");
            s.exec("insert into \"Odd Schema\".\"My Table\" values (1, 'v')");
            s.exec("update \"Odd Schema\".\"My Table\" set \"a b\" = 'w'");
            s.exec("select pgq.force_tick('Q x')");
            s.exec("select pgq.ticker()");
            long batch = s.longValue("select pgq.next_batch('Q x', 'c')");
            assertThat(s.column("select ev_type || ' | ' || ev_data || ' | ' || ev_extra1 from pgq.get_batch_events(?)", batch))
                    .containsExactly("I | (\"Id\",\"a b\") values ('1','v') | Odd Schema.My Table",
                            "U | \"a b\"='w' where \"Id\"='1' | Odd Schema.My Table");
        }
    }
}
