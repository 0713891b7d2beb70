-- Cascaded consumers on their target node: any consumer that reads a provider's queue
-- and writes into this database keeps its state here (the worker is one of them).
-- A round of such a consumer:
--   1. get_consumer_state here; if paused, wait; if not uptodate, set_consumer_uptodate
--      (admin tools wait for that); connect to provider_location.
--   2. pgq.next_batch on the provider; a batch that ends at completed_tick was applied
--      already and is only finished there.
--   3. apply the events here and call set_consumer_completed in the same transaction.
--   4. pgq.finish_batch on the provider. A failure is recorded with set_consumer_error.

-- Register a consumer that reads from i_provider_node, positioned at i_custom_tick_id.
-- Registered again, it gets the new provider and position (201). 200; 404 no node here.
create or replace function pgq_node.register_consumer(i_queue_name text, i_consumer_name text,
    i_provider_node text, i_custom_tick_id int8, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    -- the node row lock serializes registrations of one queue
    perform 1 from pgq_node.node_info n where n.queue_name = i_queue_name for update;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown queue: ' || i_queue_name;
        return;
    end if;

    update pgq_node.local_state s
       set provider_node = i_provider_node, last_tick_id = i_custom_tick_id
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
    if found then
        ret_code := 201;
        ret_note := 'Consumer already registered: ' || i_queue_name || '/' || i_consumer_name;
        return;
    end if;

    insert into pgq_node.local_state (queue_name, consumer_name, provider_node, last_tick_id)
        values (i_queue_name, i_consumer_name, i_provider_node, i_custom_tick_id);
    ret_code := 200;
    ret_note := 'Consumer ' || i_consumer_name || ' registered on queue ' || i_queue_name;
end;
$$;

-- 200 also when the consumer was not registered; 404 no node here.
create or replace function pgq_node.unregister_consumer(i_queue_name text, i_consumer_name text,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    perform 1 from pgq_node.node_info n where n.queue_name = i_queue_name for update;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown queue: ' || i_queue_name;
        return;
    end if;
    delete from pgq_node.local_state s
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
    ret_code := 200;
    ret_note := 'Consumer ' || i_consumer_name || ' unregistered from ' || i_queue_name;
end;
$$;

-- A consumer's state, step 1 of its round. 100 (not 200: it changes nothing); 404 for
-- an unknown queue, consumer or provider location (the fields found so far filled in).
create or replace function pgq_node.get_consumer_state(i_queue_name text, i_consumer_name text,
    out ret_code int4, out ret_note text,
    out node_type text, out node_name text, out completed_tick bigint,
    out provider_node text, out provider_location text,
    out paused boolean, out uptodate boolean, out cur_error text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    select n.node_type, n.node_name
      into get_consumer_state.node_type, get_consumer_state.node_name
      from pgq_node.node_info n
     where n.queue_name = i_queue_name;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown queue: ' || i_queue_name;
        return;
    end if;

    select s.last_tick_id, s.provider_node, s.paused, s.uptodate, s.cur_error
      into get_consumer_state.completed_tick, get_consumer_state.provider_node, get_consumer_state.paused,
           get_consumer_state.uptodate, get_consumer_state.cur_error
      from pgq_node.local_state s
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown consumer: ' || i_queue_name || '/' || i_consumer_name;
        return;
    end if;

    select l.node_location into get_consumer_state.provider_location
      from pgq_node.node_location l
     where l.queue_name = i_queue_name and l.node_name = get_consumer_state.provider_node;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown provider node: ' || i_queue_name || '/' || get_consumer_state.provider_node;
        return;
    end if;
    ret_code := 100;
    ret_note := 'Ok';
end;
$$;

-- The cascaded consumers that write into this node.
create or replace function pgq_node.get_consumer_info(i_queue_name text,
    out consumer_name text, out provider_node text, out last_tick_id int8,
    out paused boolean, out uptodate boolean, out cur_error text)
returns setof record language sql security definer set search_path = pg_catalog, pg_temp as $$
    select s.consumer_name, s.provider_node, s.last_tick_id, s.paused, s.uptodate, s.cur_error
      from pgq_node.local_state s
     where s.queue_name = i_queue_name
     order by s.consumer_name
$$;

-- Point a consumer at another provider (a member of the cascade: 404 otherwise). Its
-- position stays; uptodate goes false until the consumer has seen the change.
-- 200; 404 unknown consumer.
create or replace function pgq_node.change_consumer_provider(i_queue_name text, i_consumer_name text,
    i_new_provider text, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    if not exists (select 1 from pgq_node.node_location l
                    where l.queue_name = i_queue_name and l.node_name = i_new_provider) then
        ret_code := 404;
        ret_note := 'New node not found: ' || i_new_provider;
        return;
    end if;
    update pgq_node.local_state s
       set provider_node = i_new_provider, uptodate = false
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown consumer: ' || i_queue_name || '/' || i_consumer_name;
        return;
    end if;
    -- sic: "set to :" is Skytools' text
    ret_code := 200;
    ret_note := 'Consumer provider node set to : ' || i_new_provider;
end;
$$;

-- The consumer acknowledges that it has seen its latest state. 200; 404 unknown consumer.
create or replace function pgq_node.set_consumer_uptodate(i_queue_name text, i_consumer_name text,
    i_uptodate boolean, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    update pgq_node.local_state s set uptodate = i_uptodate
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
    if not found then
        ret_code := 404;
        ret_note := 'Consumer not known: ' || i_queue_name || '/' || i_consumer_name;
        return;
    end if;
    ret_code := 200;
    ret_note := 'Consumer uptodate = ' || i_uptodate::int4::text;
end;
$$;

-- Pause or resume a consumer; a change also clears uptodate, so the caller can wait
-- for the consumer to acknowledge it. 200 changed; 201 already so; 404 unknown consumer.
create or replace function pgq_node.set_consumer_paused(i_queue_name text, i_consumer_name text,
    i_paused boolean, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_was boolean;
    v_word text := case when i_paused then 'paused' else 'resumed' end;
begin
    select s.paused into v_was
      from pgq_node.local_state s
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name
       for update;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown consumer: ' || i_consumer_name;
    elsif v_was = i_paused then
        ret_code := 201;
        ret_note := 'Consumer ' || i_consumer_name || ' already ' || v_word;
    else
        update pgq_node.local_state s set paused = i_paused, uptodate = false
         where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
        ret_code := 200;
        ret_note := 'Consumer ' || i_consumer_name || ' tagged as ' || v_word;
    end if;
end;
$$;

-- The consumer has committed tick i_tick_id here; call it in the transaction that
-- applied the batch. Clears the last error. 100; 404 unknown consumer.
create or replace function pgq_node.set_consumer_completed(i_queue_name text, i_consumer_name text,
    i_tick_id int8, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    update pgq_node.local_state s set last_tick_id = i_tick_id, cur_error = null
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
    if not found then
        ret_code := 404;
        ret_note := 'Consumer not known: ' || i_queue_name || '/' || i_consumer_name;
        return;
    end if;
    ret_code := 100;
    ret_note := 'Consumer ' || i_consumer_name || ' completed tick = ' || i_tick_id::text;
end;
$$;

-- Record why the consumer's batch failed. 100; 101 unknown consumer (ignored: the
-- caller is already handling an error).
create or replace function pgq_node.set_consumer_error(i_queue_name text, i_consumer_name text,
    i_error_msg text, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    update pgq_node.local_state s set cur_error = i_error_msg
     where s.queue_name = i_queue_name and s.consumer_name = i_consumer_name;
    if not found then
        ret_code := 101;
        ret_note := 'Consumer not known, ignoring: ' || i_queue_name || '/' || i_consumer_name;
        return;
    end if;
    ret_code := 100;
    ret_note := 'Consumer ' || i_consumer_name || ' error = ' || i_error_msg;
end;
$$;
