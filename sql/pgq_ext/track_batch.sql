-- Batch tracking: the last batch a consumer applied here (RemoteConsumer). Call
-- set_batch_done in the transaction that applies the batch, before finish_batch on the
-- queue database; a batch that comes again after a crash then shows up as done.

-- True when a_batch_id is the last batch recorded, false when another one is or none is.
create or replace function pgq_ext.is_batch_done(a_consumer text, a_subconsumer text, a_batch_id bigint)
returns boolean language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_done boolean;
begin
    select b.last_batch_id = a_batch_id into v_done
      from pgq_ext.completed_batch b
     where b.consumer_id = a_consumer and b.subconsumer_id = a_subconsumer;
    if not found then
        return false;
    end if;
    return v_done;
end;
$$;

create or replace function pgq_ext.is_batch_done(a_consumer text, a_batch_id bigint)
returns boolean language sql as $$
    select pgq_ext.is_batch_done($1, '', $2)
$$;

-- Record a_batch_id as the last applied batch. False (and nothing changes) when it
-- already is; true otherwise. Ids <= 0 are accepted but not stored.
create or replace function pgq_ext.set_batch_done(a_consumer text, a_subconsumer text, a_batch_id bigint)
returns boolean language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    if pgq_ext.is_batch_done(a_consumer, a_subconsumer, a_batch_id) then
        return false;
    end if;
    if a_batch_id > 0 then
        insert into pgq_ext.completed_batch as b (consumer_id, subconsumer_id, last_batch_id)
        values (a_consumer, a_subconsumer, a_batch_id)
        on conflict (consumer_id, subconsumer_id) do update set last_batch_id = excluded.last_batch_id;
    end if;
    return true;
end;
$$;

create or replace function pgq_ext.set_batch_done(a_consumer text, a_batch_id bigint)
returns boolean language sql as $$
    select pgq_ext.set_batch_done($1, '', $2)
$$;
