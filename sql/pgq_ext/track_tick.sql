-- Tick tracking: the last tick a consumer applied here (SerialConsumer).

-- Last applied tick, or NULL when none is recorded.
create or replace function pgq_ext.get_last_tick(a_consumer text, a_subconsumer text)
returns int8 language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_tick int8;
begin
    select t.last_tick_id into v_tick
      from pgq_ext.completed_tick t
     where t.consumer_id = a_consumer and t.subconsumer_id = a_subconsumer;
    return v_tick;
end;
$$;

create or replace function pgq_ext.get_last_tick(a_consumer text)
returns int8 language sql as $$
    select pgq_ext.get_last_tick($1, '')
$$;

-- Record the applied tick; NULL forgets the consumer's position (SerialConsumer --reset,
-- unregister). Always returns 1.
create or replace function pgq_ext.set_last_tick(a_consumer text, a_subconsumer text, a_tick_id bigint)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    if a_tick_id is null then
        delete from pgq_ext.completed_tick t
         where t.consumer_id = a_consumer and t.subconsumer_id = a_subconsumer;
    else
        insert into pgq_ext.completed_tick as t (consumer_id, subconsumer_id, last_tick_id)
        values (a_consumer, a_subconsumer, a_tick_id)
        on conflict (consumer_id, subconsumer_id) do update set last_tick_id = excluded.last_tick_id;
    end if;
    return 1;
end;
$$;

create or replace function pgq_ext.set_last_tick(a_consumer text, a_tick_id bigint)
returns integer language sql as $$
    select pgq_ext.set_last_tick($1, '', $2)
$$;
