-- Information for monitoring and admin tools (qadmin, londiste status, our CLI).

create or replace function pgq.get_queue_info(i_queue_name text,
    out queue_name text, out queue_ntables integer, out queue_cur_table integer,
    out queue_rotation_period interval, out queue_switch_time timestamptz,
    out queue_external_ticker boolean, out queue_ticker_paused boolean,
    out queue_ticker_max_count integer, out queue_ticker_max_lag interval,
    out queue_ticker_idle_period interval, out ticker_lag interval,
    out ev_per_sec float8, out ev_new bigint, out last_tick_id bigint)
returns setof record language sql as $$
    select q.queue_name, q.queue_ntables, q.queue_cur_table, q.queue_rotation_period, q.queue_switch_time,
           q.queue_external_ticker, q.queue_ticker_paused, q.queue_ticker_max_count,
           q.queue_ticker_max_lag, q.queue_ticker_idle_period,
           current_timestamp - top.tick_time,
           -- rate over the last ~20 ticks
           case when back.tick_time < top.tick_time
                then ((top.tick_event_seq - back.tick_event_seq)
                      / extract(epoch from top.tick_time - back.tick_time))::float8
           end,
           pgq.seq_getval(q.queue_event_seq) - top.tick_event_seq,
           top.tick_id
      from pgq.queue q
      left join lateral (select t.tick_id, t.tick_time, t.tick_event_seq from pgq.tick t
                          where t.tick_queue = q.queue_id
                          order by t.tick_queue desc, t.tick_id desc limit 1) top on true
      left join lateral (select t.tick_time, t.tick_event_seq from pgq.tick t
                          where t.tick_queue = q.queue_id and t.tick_id >= top.tick_id - 20
                          order by t.tick_queue, t.tick_id limit 1) back on true
     where $1 is null or q.queue_name = $1
     order by q.queue_name
$$;

create or replace function pgq.get_queue_info(
    out queue_name text, out queue_ntables integer, out queue_cur_table integer,
    out queue_rotation_period interval, out queue_switch_time timestamptz,
    out queue_external_ticker boolean, out queue_ticker_paused boolean,
    out queue_ticker_max_count integer, out queue_ticker_max_lag interval,
    out queue_ticker_idle_period interval, out ticker_lag interval,
    out ev_per_sec float8, out ev_new bigint, out last_tick_id bigint)
returns setof record language sql as $$
    select * from pgq.get_queue_info(null::text)
$$;

-- lag: age of the consumer's position; last_seen: time since it last asked for or
-- finished a batch; pending_events: event sequence distance to the latest tick.
create or replace function pgq.get_consumer_info(i_queue_name text, i_consumer_name text,
    out queue_name text, out consumer_name text, out lag interval, out last_seen interval,
    out last_tick bigint, out current_batch bigint, out next_tick bigint, out pending_events bigint)
returns setof record language sql security definer set search_path = pg_catalog, pg_temp as $$
    select q.queue_name, c.co_name,
           current_timestamp - pos.tick_time,
           current_timestamp - s.sub_active,
           s.sub_last_tick, s.sub_batch, s.sub_next_tick,
           top.tick_event_seq - pos.tick_event_seq
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
      left join pgq.tick pos on pos.tick_queue = s.sub_queue and pos.tick_id = s.sub_last_tick
      left join lateral (select t.tick_event_seq from pgq.tick t
                          where t.tick_queue = s.sub_queue
                          order by t.tick_queue desc, t.tick_id desc limit 1) top on true
     where ($1 is null or q.queue_name = $1)
       and ($2 is null or c.co_name = $2)
     order by 1, 2
$$;

create or replace function pgq.get_consumer_info(i_queue_name text,
    out queue_name text, out consumer_name text, out lag interval, out last_seen interval,
    out last_tick bigint, out current_batch bigint, out next_tick bigint, out pending_events bigint)
returns setof record language sql security definer set search_path = pg_catalog, pg_temp as $$
    select * from pgq.get_consumer_info($1, null)
$$;

create or replace function pgq.get_consumer_info(
    out queue_name text, out consumer_name text, out lag interval, out last_seen interval,
    out last_tick bigint, out current_batch bigint, out next_tick bigint, out pending_events bigint)
returns setof record language sql security definer set search_path = pg_catalog, pg_temp as $$
    select * from pgq.get_consumer_info(null, null)
$$;

create or replace function pgq.get_batch_info(x_batch_id bigint,
    out queue_name text, out consumer_name text, out batch_start timestamptz, out batch_end timestamptz,
    out prev_tick_id bigint, out tick_id bigint, out lag interval, out seq_start bigint, out seq_end bigint)
language sql security definer set search_path = pg_catalog, pg_temp as $$
    select q.queue_name, c.co_name, p.tick_time, n.tick_time, s.sub_last_tick, s.sub_next_tick,
           current_timestamp - n.tick_time, p.tick_event_seq, n.tick_event_seq
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
      left join pgq.tick p on p.tick_queue = s.sub_queue and p.tick_id = s.sub_last_tick
      left join pgq.tick n on n.tick_queue = s.sub_queue and n.tick_id = s.sub_next_tick
     where s.sub_batch = $1
$$;
