-- Ticking. A tick records the snapshot of the transaction that made it; batches
-- are the intervals between ticks.
--
-- Unlike Skytools, pgq.ticker() is safe to run from many sessions at once: ticks
-- of one queue are made under an advisory transaction lock, and a ticker that had
-- to wait re-reads the latest tick before deciding. Each new tick is announced
-- with NOTIFY on pgq.tick_channel(queue) (payload: the tick id), so consumers can
-- wake up at once; the notification is delivered when the ticking transaction commits.

create or replace function pgq._announce_tick(i_queue_id int4, i_queue_name text, i_tick_id bigint)
returns void language sql as $$
    select pg_catalog.pg_notify(
        case when octet_length(i_queue_name) <= 59 then 'pgq.' || i_queue_name else 'pgq.#' || i_queue_id end,
        i_tick_id::text)
$$;

-- External tick: cascaded branches copy their provider's tick ids, times and positions.
create or replace function pgq.ticker(i_queue_name text, i_tick_id bigint, i_orig_timestamp timestamptz, i_event_seq bigint)
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_queue int4;
    v_tick_seq text;
    v_event_seq text;
begin
    select queue_id, queue_tick_seq, queue_event_seq into v_queue, v_tick_seq, v_event_seq
      from pgq.queue
     where queue_name = i_queue_name and queue_external_ticker and not queue_ticker_paused;
    if not found then
        raise exception 'queue not found or ticker disabled: %', i_queue_name;
    end if;
    perform pg_catalog.pg_advisory_xact_lock(pgq._lock_key('ticker'), v_queue);
    insert into pgq.tick (tick_queue, tick_id, tick_time, tick_event_seq)
        values (v_queue, i_tick_id, i_orig_timestamp, i_event_seq);
    perform pgq.seq_setval(v_tick_seq, i_tick_id);
    perform pgq.seq_setval(v_event_seq, i_event_seq);
    perform pgq._announce_tick(v_queue, i_queue_name, i_tick_id);
    return i_tick_id;
end;
$$;

-- Tick one queue if it is due; returns the new tick id, or NULL.
create or replace function pgq.ticker(i_queue_name text)
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    q pgq.queue%rowtype;
    v_last record;
    v_prev_time timestamptz;
    v_seq bigint;
    v_new bigint;
    v_lag interval;
    v_tick bigint;
begin
    select * into q from pgq.queue where queue_name = i_queue_name;
    case
        when not found then raise exception 'no such queue';
        when q.queue_external_ticker then raise exception 'This queue has external tick source.';
        when q.queue_ticker_paused then raise exception 'Ticker has been paused for this queue';
        else null;
    end case;

    perform pg_catalog.pg_advisory_xact_lock(pgq._lock_key('ticker'), q.queue_id);

    -- read after the lock: another ticker may just have committed a tick
    select tick_id, tick_time, tick_event_seq, tick_snapshot into v_last
      from pgq.tick where tick_queue = q.queue_id
     order by tick_queue desc, tick_id desc limit 1;
    v_seq := pgq.seq_getval(q.queue_event_seq);

    if found then
        if txid_snapshot_xmin(v_last.tick_snapshot) > txid_current() then
            raise exception 'Invalid PgQ state: old xmin=%, old xmax=%, cur txid=%',
                txid_snapshot_xmin(v_last.tick_snapshot), txid_snapshot_xmax(v_last.tick_snapshot), txid_current();
        end if;
        -- our transaction started before that tick, or cannot see it: a tick now
        -- would go back in time
        if now() < v_last.tick_time
           or txid_snapshot_xmax(txid_current_snapshot()) < txid_snapshot_xmax(v_last.tick_snapshot) then
            return null;
        end if;

        v_new := v_seq - v_last.tick_event_seq;
        if v_new < 0 then
            raise warning 'Negative new_events?  old=% cur=%', v_last.tick_event_seq, v_seq;
        end if;
        if txid_snapshot_xmax(v_last.tick_snapshot) > txid_current() then
            raise warning 'Dubious PgQ state: old xmax=%, cur txid=%', txid_snapshot_xmax(v_last.tick_snapshot), txid_current();
        end if;

        v_lag := now() - v_last.tick_time;
        if v_new > 0 then
            if v_new < q.queue_ticker_max_count and v_lag < q.queue_ticker_max_lag then
                return null;
            end if;
        else
            -- idle queue: each gap at least max_lag/2 and twice the one before,
            -- never more than idle_period
            select tick_time into v_prev_time
              from pgq.tick where tick_queue = q.queue_id and tick_id < v_last.tick_id
             order by tick_queue desc, tick_id desc limit 1;
            if found and (v_lag < q.queue_ticker_max_lag / 2
                          or (v_lag < (v_last.tick_time - v_prev_time) * 2 and v_lag < q.queue_ticker_idle_period)) then
                return null;
            end if;
        end if;
    end if;

    v_tick := nextval(q.queue_tick_seq);
    insert into pgq.tick (tick_queue, tick_id, tick_event_seq) values (q.queue_id, v_tick, v_seq);
    perform pgq._announce_tick(q.queue_id, i_queue_name, v_tick);
    return v_tick;
end;
$$;

-- Tick every queue that has its own ticker; returns how many got a tick.
create or replace function pgq.ticker()
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_name text;
    v_ticked bigint := 0;
begin
    for v_name in
        select queue_name from pgq.queue
         where not queue_external_ticker and not queue_ticker_paused
         order by queue_name
    loop
        if pgq.ticker(v_name) > 0 then
            v_ticked := v_ticked + 1;
        end if;
    end loop;
    return v_ticked;
end;
$$;

-- Ask for a tick soon: pushes the event sequence far enough that the next ticker
-- run ticks. Returns the latest tick id; callers wait for it to change.
create or replace function pgq.force_tick(i_queue_name text)
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_tick bigint;
begin
    perform pg_catalog.setval(queue_event_seq, nextval(queue_event_seq) + queue_ticker_max_count * 2 + 1000)
       from pgq.queue
      where queue_name = i_queue_name and not queue_external_ticker and not queue_ticker_paused;
    select t.tick_id into v_tick
      from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue
     where q.queue_name = i_queue_name
     order by t.tick_queue desc, t.tick_id desc limit 1;
    return v_tick;
end;
$$;
