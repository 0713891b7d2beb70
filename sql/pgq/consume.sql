-- Consuming: subscriptions, batches, reading events, retries.

create or replace function pgq.register_consumer_at(x_queue_name text, x_consumer_name text, x_tick_pos bigint)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_queue int4;
    v_consumer int4;
    v_start bigint;
begin
    select queue_id into v_queue from pgq.queue where queue_name = x_queue_name;
    if not found then
        raise exception 'Event queue not created yet';
    end if;

    select co_id into v_consumer from pgq.consumer where co_name = x_consumer_name;
    if not found then
        insert into pgq.consumer (co_name) values (x_consumer_name)
            on conflict (co_name) do nothing;
        select co_id into v_consumer from pgq.consumer where co_name = x_consumer_name;
    end if;

    if x_tick_pos is not null then
        perform 1 from pgq.tick where tick_queue = v_queue and tick_id = x_tick_pos;
        if not found then
            raise exception 'cannot reposition, tick not found: %', x_tick_pos;
        end if;
    end if;

    perform 1 from pgq.subscription where sub_queue = v_queue and sub_consumer = v_consumer for update;
    if found then
        if x_tick_pos is not null then
            -- reposition: any open batch is forgotten
            update pgq.subscription
               set sub_last_tick = x_tick_pos, sub_batch = null, sub_next_tick = null, sub_active = now()
             where sub_queue = v_queue and sub_consumer = v_consumer;
        end if;
        return 0;
    end if;

    v_start := x_tick_pos;
    if v_start is null then
        select tick_id into v_start from pgq.tick
         where tick_queue = v_queue order by tick_queue desc, tick_id desc limit 1;
        if not found then
            raise exception 'No ticks for this queue.  Please run ticker on database.';
        end if;
    end if;
    insert into pgq.subscription (sub_queue, sub_consumer, sub_last_tick)
        values (v_queue, v_consumer, v_start);
    return 1;
end;
$$;

create or replace function pgq.register_consumer(x_queue_name text, x_consumer_id text)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    return pgq.register_consumer_at(x_queue_name, x_consumer_id, null);
end;
$$;

-- For a main consumer: drops the subscription, its coop subconsumers and its retry
-- events, and returns how many subscription rows went. For a coop subconsumer
-- (both ticks NULL or both set, siblings sharing its sub_id): drops only that row.
create or replace function pgq.unregister_consumer(x_queue_name text, x_consumer_name text)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_sub_id int4;
    v_consumer int4;
    v_looks_sub boolean;
    v_rows int4;
begin
    select s.sub_id, s.sub_consumer, (s.sub_last_tick is null) = (s.sub_next_tick is null)
      into v_sub_id, v_consumer, v_looks_sub
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
     where q.queue_name = x_queue_name and c.co_name = x_consumer_name
       for update of s, c;
    if not found then
        return 0;
    end if;

    select count(*) into v_rows from pgq.subscription where sub_id = v_sub_id;
    if v_looks_sub and v_rows > 1 then
        delete from pgq.subscription where sub_id = v_sub_id and sub_consumer = v_consumer;
        return 1;
    end if;

    delete from pgq.retry_queue where ev_owner = v_sub_id;
    delete from pgq.subscription where sub_id = v_sub_id;
    perform 1 from pgq.subscription where sub_consumer = v_consumer;
    if not found then
        delete from pgq.consumer where co_id = v_consumer;
    end if;
    return v_rows;
end;
$$;

-- Picks the end tick for a batch when the consumer asked for a minimum size or age.
create or replace function pgq.find_tick_helper(i_queue_id int4, i_prev_tick_id int8, i_prev_tick_time timestamptz,
    i_prev_tick_seq int8, i_min_count int8, i_min_interval interval,
    out next_tick_id int8, out next_tick_time timestamptz, out next_tick_seq int8)
language plpgsql stable as $$
declare
    v_last record;
    v_enough boolean := false;
    v_too_far boolean := false;
begin
    select tick_id, tick_time, tick_event_seq into v_last
      from pgq.tick
     where tick_queue = i_queue_id and tick_id > i_prev_tick_id
     order by tick_queue desc, tick_id desc limit 1;
    if not found then
        return;
    end if;

    if i_min_count is not null then
        v_enough := v_last.tick_event_seq - i_prev_tick_seq >= i_min_count;
        v_too_far := v_last.tick_event_seq - i_prev_tick_seq > 2 * i_min_count;
    end if;
    if i_min_interval is not null then
        v_enough := v_enough or v_last.tick_time - i_prev_tick_time >= i_min_interval;
        v_too_far := v_too_far or v_last.tick_time - i_prev_tick_time > 2 * i_min_interval;
    end if;

    if v_too_far then
        -- far behind: stop at the first tick that is big or old enough, so one
        -- batch does not swallow the whole backlog
        select tick_id, tick_time, tick_event_seq into v_last
          from pgq.tick
         where tick_queue = i_queue_id and tick_id > i_prev_tick_id
           and ((i_min_count is not null and tick_event_seq - i_prev_tick_seq >= i_min_count)
                or (i_min_interval is not null and tick_time - i_prev_tick_time >= i_min_interval))
         order by tick_queue, tick_id limit 1;
        v_enough := true;
    end if;
    if v_enough then
        select v_last.tick_id, v_last.tick_time, v_last.tick_event_seq
          into next_tick_id, next_tick_time, next_tick_seq;
    end if;
end;
$$;

create or replace function pgq.next_batch_custom(i_queue_name text, i_consumer_name text,
    i_min_lag interval, i_min_count int4, i_min_interval interval,
    out batch_id int8, out cur_tick_id int8, out prev_tick_id int8,
    out cur_tick_time timestamptz, out prev_tick_time timestamptz,
    out cur_tick_event_seq int8, out prev_tick_event_seq int8)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_queue int4;
    v_consumer int4;
begin
    -- the row lock makes two callers for one consumer take turns instead of racing
    select s.sub_queue, s.sub_consumer, s.sub_batch,
           p.tick_id, p.tick_time, p.tick_event_seq,
           n.tick_id, n.tick_time, n.tick_event_seq
      into v_queue, v_consumer, batch_id,
           prev_tick_id, prev_tick_time, prev_tick_event_seq,
           cur_tick_id, cur_tick_time, cur_tick_event_seq
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
      left join pgq.tick p on p.tick_queue = s.sub_queue and p.tick_id = s.sub_last_tick
      left join pgq.tick n on n.tick_queue = s.sub_queue and n.tick_id = s.sub_next_tick
     where q.queue_name = i_queue_name and c.co_name = i_consumer_name
       for update of s;
    if not found then
        raise exception '%', 'Not subscriber to queue: ' || coalesce(i_queue_name, 'NULL') || '/' || coalesce(i_consumer_name, 'NULL');
    elsif prev_tick_id is null then
        raise exception 'PgQ corruption: Consumer % on queue % does not see tick %', i_consumer_name, i_queue_name, prev_tick_id;
    elsif batch_id is not null then
        return;  -- an open batch is handed out again: a consumer that crashed resumes it
    end if;

    if i_min_count is null and i_min_interval is null then
        select tick_id, tick_time, tick_event_seq
          into cur_tick_id, cur_tick_time, cur_tick_event_seq
          from pgq.tick
         where tick_queue = v_queue and tick_id > prev_tick_id
         order by tick_queue, tick_id limit 1;
    else
        select h.next_tick_id, h.next_tick_time, h.next_tick_seq
          into cur_tick_id, cur_tick_time, cur_tick_event_seq
          from pgq.find_tick_helper(v_queue, prev_tick_id, prev_tick_time, prev_tick_event_seq,
                                    i_min_count, i_min_interval) h;
    end if;

    if cur_tick_id is not null and i_min_lag is not null and now() - cur_tick_time < i_min_lag then
        cur_tick_id := null;
    end if;
    if cur_tick_id is null then
        cur_tick_time := null;
        cur_tick_event_seq := null;
        prev_tick_id := null;
        prev_tick_time := null;
        prev_tick_event_seq := null;
        return;
    end if;

    batch_id := nextval('pgq.batch_id_seq');
    update pgq.subscription
       set sub_batch = batch_id, sub_next_tick = cur_tick_id, sub_active = now()
     where sub_queue = v_queue and sub_consumer = v_consumer;
end;
$$;

create or replace function pgq.next_batch_info(i_queue_name text, i_consumer_name text,
    out batch_id int8, out cur_tick_id int8, out prev_tick_id int8,
    out cur_tick_time timestamptz, out prev_tick_time timestamptz,
    out cur_tick_event_seq int8, out prev_tick_event_seq int8)
language plpgsql as $$
begin
    select * into batch_id, cur_tick_id, prev_tick_id, cur_tick_time, prev_tick_time, cur_tick_event_seq, prev_tick_event_seq
      from pgq.next_batch_custom(i_queue_name, i_consumer_name, null, null, null);
end;
$$;

create or replace function pgq.next_batch(i_queue_name text, i_consumer_name text)
returns int8 language plpgsql as $$
begin
    return (pgq.next_batch_custom(i_queue_name, i_consumer_name, null, null, null)).batch_id;
end;
$$;

-- The one or two data tables a batch can have rows in (see rotation in maint.sql):
-- the previous table while writers of the batch may still have used it, the current
-- one once the batch started after the last rotation was complete.
create or replace function pgq._batch_tables(i_pfx text, i_ntables int4, i_cur int4, i_step1 bigint, i_step2 bigint,
    i_tx_min bigint, i_tx_max bigint)
returns text[] language sql immutable as $$
    select case
        when i_tx_max < i_step1 then array[i_pfx || '_' || ((i_cur + i_ntables - 1) % i_ntables)]
        when i_step2 is not null and i_tx_min > i_step2 then array[i_pfx || '_' || i_cur]
        else array[i_pfx || '_' || ((i_cur + i_ntables - 1) % i_ntables), i_pfx || '_' || i_cur]
    end
$$;

create or replace function pgq.batch_event_tables(x_batch_id bigint)
returns setof text language plpgsql as $$
declare
    v_tables text[];
begin
    select pgq._batch_tables(q.queue_data_pfx, q.queue_ntables, q.queue_cur_table,
                             q.queue_switch_step1, q.queue_switch_step2,
                             txid_snapshot_xmin(p.tick_snapshot), txid_snapshot_xmax(n.tick_snapshot))
      into v_tables
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.tick p on p.tick_queue = s.sub_queue and p.tick_id = s.sub_last_tick
      join pgq.tick n on n.tick_queue = s.sub_queue and n.tick_id = s.sub_next_tick
     where s.sub_batch = x_batch_id;
    if not found then
        raise exception 'Cannot find data for batch %', x_batch_id;
    end if;
    return query select unnest(v_tables);
end;
$$;

-- The SELECT that returns a batch's events (the rule of the batch: visible in the
-- end tick's snapshot, not visible in the start tick's, owned by nobody or by this
-- subscription). Snapshots go in as literals, so the query needs no join with
-- pgq.tick. Transactions that were still open at the start tick and ended before
-- the end tick are below the start tick's xmax: near ones widen the txid range,
-- far ones (a long transaction) are listed one by one, so a single old transaction
-- does not make every batch rescan everything written since it began.
create or replace function pgq.batch_event_sql(x_batch_id bigint)
returns text language plpgsql as $$
declare
    b record;
    v_low bigint;
    v_far bigint[] := '{}';
    v_xid bigint;
    v_range text;
    v_owner text;
    v_sql text := '';
    v_table text;
begin
    select s.sub_id, q.queue_data_pfx, q.queue_ntables, q.queue_cur_table,
           q.queue_switch_step1, q.queue_switch_step2,
           p.tick_snapshot as prev_snap, n.tick_snapshot as cur_snap
      into b
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.tick p on p.tick_queue = s.sub_queue and p.tick_id = s.sub_last_tick
      join pgq.tick n on n.tick_queue = s.sub_queue and n.tick_id = s.sub_next_tick
     where s.sub_batch = x_batch_id;
    if not found then
        raise exception 'batch not found';
    end if;

    v_low := txid_snapshot_xmax(b.prev_snap);
    for v_xid in
        select x from txid_snapshot_xip(b.prev_snap) x
        except
        select x from txid_snapshot_xip(b.cur_snap) x
        order by 1 desc
    loop
        if v_low - v_xid <= 100 then
            v_low := v_xid;
        else
            v_far := v_far || v_xid;
        end if;
    end loop;

    v_owner := format('(ev.ev_owner is null or ev.ev_owner = %s)', b.sub_id);
    v_range := format('ev.ev_txid >= %s and ev.ev_txid < %s and txid_visible_in_snapshot(ev.ev_txid, %L)',
                      v_low, txid_snapshot_xmax(b.cur_snap), b.cur_snap);
    if v_low < txid_snapshot_xmax(b.prev_snap) then
        -- the widened range also covers transactions the start tick already saw
        v_range := v_range || format(' and not txid_visible_in_snapshot(ev.ev_txid, %L)', b.prev_snap);
    end if;

    foreach v_table in array pgq._batch_tables(b.queue_data_pfx, b.queue_ntables, b.queue_cur_table,
                                               b.queue_switch_step1, b.queue_switch_step2,
                                               txid_snapshot_xmin(b.prev_snap), txid_snapshot_xmax(b.cur_snap))
    loop
        if v_sql <> '' then
            v_sql := v_sql || ' union all ';
        end if;
        v_sql := v_sql || 'select ev.ev_id, ev.ev_time, ev.ev_txid, ev.ev_retry, ev.ev_type, ev.ev_data,'
              || ' ev.ev_extra1, ev.ev_extra2, ev.ev_extra3, ev.ev_extra4 from ' || pgq.quote_fqname(v_table)
              || ' ev where ' || v_range || ' and ' || v_owner;
        if cardinality(v_far) > 0 then
            v_sql := v_sql || ' union all select ev.ev_id, ev.ev_time, ev.ev_txid, ev.ev_retry, ev.ev_type, ev.ev_data,'
                  || ' ev.ev_extra1, ev.ev_extra2, ev.ev_extra3, ev.ev_extra4 from ' || pgq.quote_fqname(v_table)
                  || ' ev where ev.ev_txid in (' || array_to_string(v_far, ',') || ') and ' || v_owner;
        end if;
    end loop;
    return v_sql || ' order by 1';
end;
$$;

create or replace function pgq.get_batch_events(x_batch_id bigint,
    out ev_id bigint, out ev_time timestamptz, out ev_txid bigint, out ev_retry int4,
    out ev_type text, out ev_data text, out ev_extra1 text, out ev_extra2 text,
    out ev_extra3 text, out ev_extra4 text)
returns setof record language plpgsql as $$
begin
    return query execute pgq.batch_event_sql(x_batch_id);
end;
$$;

-- Opens a cursor over the batch (optionally filtered by i_extra_where) and returns
-- its first i_quick_limit rows; the caller FETCHes the rest and CLOSEs it.
create or replace function pgq.get_batch_cursor(i_batch_id bigint, i_cursor_name text, i_quick_limit int4,
    i_extra_where text,
    out ev_id bigint, out ev_time timestamptz, out ev_txid bigint, out ev_retry int4,
    out ev_type text, out ev_data text, out ev_extra1 text, out ev_extra2 text,
    out ev_extra3 text, out ev_extra4 text)
returns setof record language plpgsql as $$
declare
    v_sql text := pgq.batch_event_sql(i_batch_id);
begin
    if i_extra_where is not null then
        v_sql := 'select * from (' || v_sql || ') _evs where ' || i_extra_where || ' order by 1';
    end if;
    execute 'declare ' || quote_ident(i_cursor_name) || ' no scroll cursor for ' || v_sql;
    return query execute 'fetch ' || i_quick_limit || ' from ' || quote_ident(i_cursor_name);
end;
$$;

create or replace function pgq.get_batch_cursor(i_batch_id bigint, i_cursor_name text, i_quick_limit int4,
    out ev_id bigint, out ev_time timestamptz, out ev_txid bigint, out ev_retry int4,
    out ev_type text, out ev_data text, out ev_extra1 text, out ev_extra2 text,
    out ev_extra3 text, out ev_extra4 text)
returns setof record language plpgsql strict as $$
begin
    return query select * from pgq.get_batch_cursor(i_batch_id, i_cursor_name, i_quick_limit, null);
end;
$$;

-- Put one event of the batch into the retry queue, owned by this subscription.
create or replace function pgq.event_retry(x_batch_id bigint, x_event_id bigint, x_retry_time timestamptz)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_rows int4;
begin
    execute 'insert into pgq.retry_queue (ev_retry_after, ev_queue, ev_id, ev_time, ev_txid, ev_owner, ev_retry,'
         || ' ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)'
         || ' select $1, s.sub_queue, e.ev_id, e.ev_time, null, s.sub_id, coalesce(e.ev_retry, 0) + 1,'
         || ' e.ev_type, e.ev_data, e.ev_extra1, e.ev_extra2, e.ev_extra3, e.ev_extra4'
         || ' from pgq.subscription s, (' || pgq.batch_event_sql(x_batch_id) || ') e'
         || ' where s.sub_batch = $2 and e.ev_id = $3'
        using x_retry_time, x_batch_id, x_event_id;
    get diagnostics v_rows = row_count;
    if v_rows = 0 then
        raise exception 'event not found';
    end if;
    return 1;
exception
    when unique_violation then
        -- already queued for retry by this subscription
        return 0;
end;
$$;

create or replace function pgq.event_retry(x_batch_id bigint, x_event_id bigint, x_retry_seconds integer)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    return pgq.event_retry(x_batch_id, x_event_id, now() + x_retry_seconds * interval '1 second');
end;
$$;

-- Put every event of the batch into the retry queue (those not there already).
create or replace function pgq.batch_retry(i_batch_id bigint, i_retry_seconds integer)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_sub int4;
    v_queue int4;
    v_rows int4;
begin
    select sub_id, sub_queue into v_sub, v_queue from pgq.subscription where sub_batch = i_batch_id;
    if not found then
        raise exception 'batch_retry: batch % not found', i_batch_id;
    end if;
    execute 'insert into pgq.retry_queue (ev_retry_after, ev_queue, ev_id, ev_time, ev_txid, ev_owner, ev_retry,'
         || ' ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)'
         || ' select $1, $2, e.ev_id, e.ev_time, null, $3, coalesce(e.ev_retry, 0) + 1,'
         || ' e.ev_type, e.ev_data, e.ev_extra1, e.ev_extra2, e.ev_extra3, e.ev_extra4'
         || ' from (' || pgq.batch_event_sql(i_batch_id) || ') e'
         || ' where not exists (select 1 from pgq.retry_queue r where r.ev_owner = $3 and r.ev_id = e.ev_id)'
        using now() + i_retry_seconds * interval '1 second', v_queue, v_sub;
    get diagnostics v_rows = row_count;
    return v_rows;
end;
$$;

-- Put any event straight into the retry queue of a consumer.
create or replace function pgq.event_retry_raw(x_queue text, x_consumer text, x_retry_after timestamptz,
    x_ev_id bigint, x_ev_time timestamptz, x_ev_retry integer, x_ev_type text, x_ev_data text,
    x_ev_extra1 text, x_ev_extra2 text, x_ev_extra3 text, x_ev_extra4 text)
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_queue int4;
    v_sub int4;
    v_seq text;
    v_id bigint := x_ev_id;
begin
    select q.queue_id, s.sub_id, q.queue_event_seq into v_queue, v_sub, v_seq
      from pgq.queue q
      join pgq.subscription s on s.sub_queue = q.queue_id
      join pgq.consumer c on c.co_id = s.sub_consumer
     where q.queue_name = x_queue and c.co_name = x_consumer;
    if not found then
        raise exception 'consumer not registered';
    end if;
    if v_id is null then
        v_id := nextval(v_seq);
    end if;
    insert into pgq.retry_queue (ev_retry_after, ev_queue, ev_id, ev_time, ev_owner, ev_retry,
                                 ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)
        values (x_retry_after, v_queue, v_id, x_ev_time, v_sub, x_ev_retry,
                x_ev_type, x_ev_data, x_ev_extra1, x_ev_extra2, x_ev_extra3, x_ev_extra4);
    return v_id;
end;
$$;

-- Close the batch: the subscription moves to its end tick. Everything done for
-- the batch (reading, retries) must come before this.
create or replace function pgq.finish_batch(x_batch_id bigint)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    update pgq.subscription
       set sub_active = now(), sub_last_tick = sub_next_tick, sub_next_tick = null, sub_batch = null
     where sub_batch = x_batch_id;
    if not found then
        raise warning 'finish_batch: batch % not found', x_batch_id;
        return 0;
    end if;
    return 1;
end;
$$;
