package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

class GrantsTest extends PgqSqlTestSupport {

    @Test
    void rolesSplitProducingConsumingAndAdmin() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("do $$ begin"
                    + " if not exists (select 1 from pg_roles where rolname = 'app_writer') then create role app_writer login in role pgq_writer; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'app_reader') then create role app_reader login in role pgq_reader; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'app_admin') then create role app_admin login in role pgq_admin; end if;"
                    + " if not exists (select 1 from pg_roles where rolname = 'app_nobody') then create role app_nobody login; end if;"
                    + " end $$");
            s.exec("grant usage on schema pgq to app_nobody");
            s.exec("create table audited (id int primary key, v text)");
            s.exec("create trigger tg after insert on audited for each row execute procedure pgq.logutriga('q')");
            s.exec("grant insert on audited to app_writer");
        }
        try (Sql w = PG.db().openAs("app_writer")) {
            assertThat(w.longValue("select pgq.insert_event('q', 't', 'by writer')")).isPositive();
            assertThat(w.longValue("select pgq.insert_event('q', 't', 'd', 'a', 'b', 'c', 'd')")).isPositive();
            // a writer's change to a table with a pgq trigger makes its event
            w.exec("insert into audited values (1, 'by trigger')");
            assertThat(w.error("select pgq.next_batch('q', 'c')")).startsWith("permission denied for function next_batch");
            assertThat(w.error("select pgq.create_queue('w')")).startsWith("permission denied for function create_queue");
            assertThat(w.error("select pgq.ticker()")).startsWith("permission denied for function ticker");
        }
        try (Sql a = PG.db().openAs("app_admin")) {
            assertThat(a.longValue("select pgq.force_tick('q')")).isPositive();
            assertThat(a.longValue("select pgq.ticker()")).isEqualTo(1);
        }
        try (Sql r = PG.db().openAs("app_reader")) {
            assertThat(r.error("select pgq.insert_event('q', 't', 'x')")).startsWith("permission denied for function insert_event");
            assertThat(consume(r, "q", "c")).containsExactly("by writer", "d", "id=1&v=by+trigger");
            assertThat(r.error("select pgq.ticker()")).startsWith("permission denied for function ticker");
        }
        try (Sql n = PG.db().openAs("app_nobody")) {
            assertThat(n.rows("select * from pgq.get_queue_info()")).hasSize(1);
            assertThat(n.rows("select * from pgq.get_consumer_info()")).hasSize(1);
            assertThat(n.value("select pgq.version()")).isNotNull();
            assertThat(n.error("select pgq.insert_event('q', 't', 'x')")).startsWith("permission denied");
            assertThat(n.error("select pgq.register_consumer('q', 'x')")).startsWith("permission denied");
            assertThat(n.error("select * from pgq.retry_queue")).startsWith("permission denied");
        }
    }
}
