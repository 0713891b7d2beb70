-- Subconsumer registration.
-- The functions that change pgq's tables run as their owner with a fixed search_path,
-- so a caller's search_path cannot put its own functions or operators into them.

-- Registers the consumer if needed, then "<consumer>.<subconsumer>" as a consumer of its
-- own that shares the consumer's sub_id and starts idle (both ticks NULL).
-- 1 = new subconsumer, 0 = it was registered already.
create or replace function pgq_coop.register_subconsumer(i_queue_name text, i_consumer_name text,
    i_subconsumer_name text)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_sub_name text := i_consumer_name || '.' || i_subconsumer_name;
    v_queue int4;
    v_main_sub_id int4;
    v_new int4;
begin
    perform pgq.register_consumer(i_queue_name, i_consumer_name);
    v_new := pgq.register_consumer(i_queue_name, v_sub_name);
    if v_new = 1 then
        select s.sub_queue, s.sub_id into v_queue, v_main_sub_id
          from pgq.subscription s
          join pgq.queue q on q.queue_id = s.sub_queue
          join pgq.consumer c on c.co_id = s.sub_consumer
         where q.queue_name = i_queue_name and c.co_name = i_consumer_name;
        if not found then
            raise exception 'main consumer not found';
        end if;
        -- the queue position stays on the consumer's row only
        update pgq.subscription s
           set sub_id = v_main_sub_id, sub_last_tick = null, sub_next_tick = null
          from pgq.consumer c
         where s.sub_queue = v_queue and c.co_id = s.sub_consumer and c.co_name = v_sub_name;
    end if;
    return v_new;
end;
$$;

-- Drops a subconsumer. When it holds a batch: i_batch_handling 1 drops the batch with it
-- (its events are not delivered again: the consumer's position is already past them),
-- anything else refuses. 1 = unregistered, 0 = no such subconsumer.
create or replace function pgq_coop.unregister_subconsumer(i_queue_name text, i_consumer_name text,
    i_subconsumer_name text, i_batch_handling integer)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_queue int4;
    v_consumer int4;
    v_batch int8;
begin
    -- the row lock keeps a next_batch of the same subconsumer from handing it a batch
    -- between the check and the delete
    select s.sub_queue, s.sub_consumer, s.sub_batch into v_queue, v_consumer, v_batch
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
     where q.queue_name = i_queue_name and c.co_name = i_consumer_name || '.' || i_subconsumer_name
       for update of s;
    if not found then
        return 0;
    end if;
    if v_batch is not null and i_batch_handling is distinct from 1 then
        raise exception 'subconsumer has active batch';
    end if;
    delete from pgq.subscription where sub_queue = v_queue and sub_consumer = v_consumer;
    return 1;
end;
$$;
