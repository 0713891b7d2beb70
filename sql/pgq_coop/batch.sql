-- Batches for subconsumers. The consumer's row walks the queue as usual; each batch it
-- gets is moved at once onto the asking subconsumer's row, so the next subconsumer gets
-- the following batch while this one is still at work. Batches may finish out of order.

-- The one that does the work; the other three fill in NULLs.
-- NULL = no batch for now.
create or replace function pgq_coop.next_batch_custom(i_queue_name text, i_consumer_name text,
    i_subconsumer_name text, i_min_lag interval, i_min_count int4, i_min_interval interval,
    i_dead_interval interval)
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_sub_name text := i_consumer_name || '.' || i_subconsumer_name;
    v_queue int4;
    v_main int4;
    v_group int4;
    v_main_open boolean;
    v_self int4;
    v_batch int8;
    v_prev int8;
    v_cur int8;
    v_dead record;
begin
    -- the lock on the consumer's row makes its subconsumers take turns
    select s.sub_queue, s.sub_consumer, s.sub_id, s.sub_batch is not null or s.sub_next_tick is not null
      into v_queue, v_main, v_group, v_main_open
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
     where q.queue_name = i_queue_name and c.co_name = i_consumer_name
       for update of s;
    if not found then
        perform pgq_coop.register_subconsumer(i_queue_name, i_consumer_name, i_subconsumer_name);
        select s.sub_queue, s.sub_consumer, s.sub_id, s.sub_batch is not null or s.sub_next_tick is not null
          into v_queue, v_main, v_group, v_main_open
          from pgq.subscription s
          join pgq.queue q on q.queue_id = s.sub_queue
          join pgq.consumer c on c.co_id = s.sub_consumer
         where q.queue_name = i_queue_name and c.co_name = i_consumer_name
           for update of s;
        if not found then
            raise exception 'main consumer not found';
        end if;
    end if;
    if v_main_open then
        -- someone used plain pgq.next_batch on the consumer itself
        raise exception 'main consumer has batch open?';
    end if;

    select s.sub_consumer, s.sub_batch into v_self, v_batch
      from pgq.subscription s
      join pgq.consumer c on c.co_id = s.sub_consumer
     where s.sub_queue = v_queue and c.co_name = v_sub_name
       for update of s;
    if not found then
        perform pgq_coop.register_subconsumer(i_queue_name, i_consumer_name, i_subconsumer_name);
        select s.sub_consumer, s.sub_batch into v_self, v_batch
          from pgq.subscription s
          join pgq.consumer c on c.co_id = s.sub_consumer
         where s.sub_queue = v_queue and c.co_name = v_sub_name
           for update of s;
        if not found then
            raise exception 'subconsumer not found';
        end if;
    end if;

    if v_batch is not null then
        -- still open: a subconsumer that crashed gets its batch back
        update pgq.subscription set sub_active = now() where sub_queue = v_queue and sub_consumer = v_self;
        return v_batch;
    end if;

    if i_dead_interval is not null then
        -- a sibling silent for longer than i_dead_interval is taken for dead: its row goes, and
        -- its batch, if it held one, is carried on here (otherwise its events would be lost, as
        -- the consumer's position is past them). One per call, those holding a batch first.
        select s.sub_consumer, s.sub_batch, s.sub_last_tick, s.sub_next_tick into v_dead
          from pgq.subscription s
         where s.sub_queue = v_queue and s.sub_id = v_group
           and s.sub_consumer <> v_self and s.sub_consumer <> v_main
           and s.sub_active < now() - i_dead_interval
         order by s.sub_batch is null, s.sub_active
         limit 1
           for update of s;
        if found then
            delete from pgq.subscription where sub_queue = v_queue and sub_consumer = v_dead.sub_consumer;
            if v_dead.sub_batch is not null then
                update pgq.subscription
                   set sub_batch = v_dead.sub_batch, sub_last_tick = v_dead.sub_last_tick,
                       sub_next_tick = v_dead.sub_next_tick, sub_active = now()
                 where sub_queue = v_queue and sub_consumer = v_self;
                return v_dead.sub_batch;
            end if;
        end if;
    end if;

    select b.batch_id, b.prev_tick_id, b.cur_tick_id into v_batch, v_prev, v_cur
      from pgq.next_batch_custom(i_queue_name, i_consumer_name, i_min_lag, i_min_count, i_min_interval) b;
    if v_batch is null then
        return null;
    end if;

    -- hand the batch over: the consumer moves past it, the subconsumer holds it
    update pgq.subscription
       set sub_last_tick = sub_next_tick, sub_next_tick = null, sub_batch = null, sub_active = now()
     where sub_queue = v_queue and sub_consumer = v_main;
    update pgq.subscription
       set sub_batch = v_batch, sub_last_tick = v_prev, sub_next_tick = v_cur, sub_active = now()
     where sub_queue = v_queue and sub_consumer = v_self;
    return v_batch;
end;
$$;

create or replace function pgq_coop.next_batch_custom(i_queue_name text, i_consumer_name text,
    i_subconsumer_name text, i_min_lag interval, i_min_count int4, i_min_interval interval)
returns bigint language sql as $$
    select pgq_coop.next_batch_custom(i_queue_name, i_consumer_name, i_subconsumer_name,
                                      i_min_lag, i_min_count, i_min_interval, null)
$$;

create or replace function pgq_coop.next_batch(i_queue_name text, i_consumer_name text,
    i_subconsumer_name text, i_dead_interval interval)
returns bigint language sql as $$
    select pgq_coop.next_batch_custom(i_queue_name, i_consumer_name, i_subconsumer_name,
                                      null, null, null, i_dead_interval)
$$;

create or replace function pgq_coop.next_batch(i_queue_name text, i_consumer_name text,
    i_subconsumer_name text)
returns bigint language sql as $$
    select pgq_coop.next_batch_custom(i_queue_name, i_consumer_name, i_subconsumer_name,
                                      null, null, null, null)
$$;

-- Closes a subconsumer's batch: the row goes back to idle (both ticks NULL), the
-- consumer's row already holds the position. 1 = closed, 0 = no such batch.
create or replace function pgq_coop.finish_batch(i_batch_id bigint)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_queue int4;
    v_consumer int4;
    v_coop boolean;
begin
    select s.sub_queue, s.sub_consumer,
           exists (select 1 from pgq.subscription m
                     join pgq.consumer mc on mc.co_id = m.sub_consumer
                    where m.sub_queue = s.sub_queue and m.sub_id = s.sub_id and m.sub_consumer <> s.sub_consumer
                      and left(c.co_name, length(mc.co_name) + 1) = mc.co_name || '.')
      into v_queue, v_consumer, v_coop
      from pgq.subscription s
      join pgq.consumer c on c.co_id = s.sub_consumer
     where s.sub_batch = i_batch_id
       for update of s;
    if not found then
        raise warning 'coop_finish_batch: batch % not found', i_batch_id;
        return 0;
    end if;
    if not v_coop then
        -- the batch of an ordinary consumer: emptying its ticks would lose its position
        return pgq.finish_batch(i_batch_id);
    end if;
    update pgq.subscription
       set sub_active = now(), sub_last_tick = null, sub_next_tick = null, sub_batch = null
     where sub_queue = v_queue and sub_consumer = v_consumer;
    return 1;
end;
$$;
