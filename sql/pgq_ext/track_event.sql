-- Event tracking, for consumers that commit a batch in several transactions: which events
-- of the batch in progress are applied already. Only one batch per consumer is kept:
-- moving on to a new batch means the previous one was finished on the queue database.

-- True when the event was marked done in that batch (and the batch is still the one tracked).
create or replace function pgq_ext.is_event_done(a_consumer text, a_subconsumer text,
                                                 a_batch_id bigint, a_event_id bigint)
returns boolean language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    return exists (select 1 from pgq_ext.completed_event e
                    where e.consumer_id = a_consumer and e.subconsumer_id = a_subconsumer
                      and e.batch_id = a_batch_id and e.event_id = a_event_id);
end;
$$;

create or replace function pgq_ext.is_event_done(a_consumer text, a_batch_id bigint, a_event_id bigint)
returns boolean language sql as $$
    select pgq_ext.is_event_done($1, '', $2, $3)
$$;

-- Mark an event done. False when it already was; true otherwise. The first event of a
-- new batch drops the marks kept for the previous batch.
create or replace function pgq_ext.set_event_done(a_consumer text, a_subconsumer text,
                                                  a_batch_id bigint, a_event_id bigint)
returns boolean language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_cur bigint;
begin
    if pgq_ext.is_event_done(a_consumer, a_subconsumer, a_batch_id, a_event_id) then
        return false;
    end if;

    select p.cur_batch_id into v_cur
      from pgq_ext.partial_batch p
     where p.consumer_id = a_consumer and p.subconsumer_id = a_subconsumer
       for update;
    if not found then
        insert into pgq_ext.partial_batch (consumer_id, subconsumer_id, cur_batch_id)
        values (a_consumer, a_subconsumer, a_batch_id);
    elsif v_cur <> a_batch_id then
        delete from pgq_ext.completed_event e
         where e.consumer_id = a_consumer and e.subconsumer_id = a_subconsumer
           and e.batch_id = v_cur;
        update pgq_ext.partial_batch p set cur_batch_id = a_batch_id
         where p.consumer_id = a_consumer and p.subconsumer_id = a_subconsumer;
    end if;

    insert into pgq_ext.completed_event (consumer_id, subconsumer_id, batch_id, event_id)
    values (a_consumer, a_subconsumer, a_batch_id, a_event_id);
    return true;
end;
$$;

create or replace function pgq_ext.set_event_done(a_consumer text, a_batch_id bigint, a_event_id bigint)
returns boolean language sql as $$
    select pgq_ext.set_event_done($1, '', $2, $3)
$$;
