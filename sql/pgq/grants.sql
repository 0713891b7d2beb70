-- Privileges, as Skytools grants them: the info functions to everyone, consumer
-- functions to pgq_reader, producer functions to pgq_writer, the rest to pgq_admin.
revoke all on all functions in schema pgq from public;

grant usage on schema pgq to public;

grant execute on function
    pgq.seq_getval(text), pgq.get_queue_info(), pgq.get_queue_info(text), pgq.get_consumer_info(),
    pgq.get_consumer_info(text), pgq.get_consumer_info(text, text), pgq.quote_fqname(text),
    pgq.version(), pgq.camel_skytools_version(), pgq.tick_channel(text), pgq._lock_key(text)
  to public;

grant execute on function
    pgq.batch_event_sql(bigint), pgq.batch_event_tables(bigint),
    pgq.find_tick_helper(int4, int8, timestamptz, int8, int8, interval),
    pgq.register_consumer(text, text), pgq.register_consumer_at(text, text, bigint),
    pgq.unregister_consumer(text, text), pgq.next_batch_info(text, text), pgq.next_batch(text, text),
    pgq.next_batch_custom(text, text, interval, int4, interval), pgq.get_batch_events(bigint),
    pgq.get_batch_info(bigint), pgq.get_batch_cursor(bigint, text, int4, text),
    pgq.get_batch_cursor(bigint, text, int4), pgq.event_retry(bigint, bigint, timestamptz),
    pgq.event_retry(bigint, bigint, integer), pgq.batch_retry(bigint, integer), pgq.force_tick(text),
    pgq.finish_batch(bigint), pgq._batch_tables(text, int4, int4, bigint, bigint, bigint, bigint)
  to pgq_reader;

grant execute on function
    pgq.insert_event(text, text, text), pgq.insert_event(text, text, text, text, text, text, text),
    pgq.current_event_table(text), pgq.jsontriga(), pgq.sqltriga(), pgq.logutriga()
  to pgq_writer;

-- the triggers' helpers run with the privileges of whoever changes the table, like the
-- insert_event call the triggers make: pgq_writer
do $$
declare
    f regprocedure;
begin
    for f in select p.oid::regprocedure from pg_catalog.pg_proc p
               join pg_catalog.pg_namespace n on n.oid = p.pronamespace
              where n.nspname = 'pgq' and p.proname like '\_trg\_%'
    loop
        execute format('grant execute on function %s to pgq_writer', f);
    end loop;
end
$$;

grant execute on function
    pgq.ticker(text, bigint, timestamptz, bigint), pgq.ticker(text), pgq.ticker(),
    pgq.maint_retry_events(), pgq.maint_rotate_tables_step1(text), pgq.maint_rotate_tables_step2(),
    pgq.maint_tables_to_vacuum(), pgq.maint_operations(), pgq.upgrade_schema(), pgq.grant_perms(text),
    pgq._grant_perms_from(text, text, text, text), pgq.tune_storage(text), pgq.seq_setval(text, int8),
    pgq.create_queue(text), pgq.drop_queue(text, bool), pgq.drop_queue(text),
    pgq.set_queue_config(text, text, text),
    pgq.insert_event_raw(text, bigint, timestamptz, integer, integer, text, text, text, text, text, text),
    pgq.event_retry_raw(text, text, timestamptz, bigint, timestamptz, integer, text, text, text, text, text, text),
    pgq._count_tx_event(text, int4, int4), pgq._wait_epoch_readers(),
    pgq._insert_event_dynamic(text, bigint, timestamptz, integer, integer, text, text, text, text, text, text)
  to pgq_admin;

-- logutriga reads the DDL epoch as whoever changes the table
grant select on sequence pgq.trg_ddl_epoch to public;

revoke all on table pgq.event_template, pgq.consumer, pgq.queue, pgq.tick, pgq.subscription, pgq.retry_queue
  from public;
grant select on table pgq.event_template to pgq_reader;
grant select, insert, truncate on table pgq.event_template to pgq_admin;
grant select on table pgq.consumer, pgq.queue, pgq.tick, pgq.subscription to public, pgq_reader;
grant select, insert, update, delete on table pgq.consumer, pgq.queue, pgq.tick, pgq.subscription to pgq_admin;
grant select, insert, update, delete on table pgq.retry_queue to pgq_admin;
