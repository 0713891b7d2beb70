-- Node life cycle: create, drop, information, attributes, and the role changes of a
-- switchover (demote the root in three steps, promote a branch).

-- Make this database a node of the queue's cascade. Its own location must be registered
-- first, and so must the provider's for a branch or a leaf.
--   root:   creates the queue here; the worker reads from this node itself.
--   branch: creates the queue with the provider as its tick source and inserts closed
--           to producers; the first tick is the global watermark the provider gave, so
--           tick ids go on from the provider's.
--   leaf:   no queue of its own; with i_combined_queue it feeds that (existing) local queue.
-- 200, or 401 when the node exists already or the arguments do not fit the type.
create or replace function pgq_node.create_node(i_queue_name text, i_node_type text, i_node_name text,
    i_worker_name text, i_provider_name text, i_global_watermark bigint, i_combined_queue text,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_provider text := i_provider_name;
    v_watermark bigint := i_global_watermark;
    v_reg record;
begin
    if exists (select 1 from pgq_node.node_info n where n.queue_name = i_queue_name) then
        ret_code := 401;
        ret_note := 'Node already initialized';
        return;
    end if;

    if i_node_type = 'root' then
        if i_provider_name is not null or i_global_watermark is not null or i_combined_queue is not null then
            ret_code := 401;
            ret_note := 'unexpected args for ' || i_node_type;
            return;
        end if;
        perform pgq.create_queue(i_queue_name);
        perform pgq.register_consumer(i_queue_name, '.global_watermark');
        select c.last_tick into v_watermark
          from pgq.get_consumer_info(i_queue_name, '.global_watermark') c;
        v_provider := i_node_name;
    elsif i_node_type = 'branch' then
        if i_provider_name is null then
            ret_code := 401;
            ret_note := 'provider not set for ' || i_node_type;
            return;
        elsif i_global_watermark is null then
            ret_code := 401;
            ret_note := 'global watermark not set for ' || i_node_type;
            return;
        end if;
        perform pgq.create_queue(i_queue_name);
        update pgq.queue q
           set queue_external_ticker = true, queue_disable_insert = true
         where q.queue_name = i_queue_name;
        if i_global_watermark > 1 then
            perform pgq.ticker(i_queue_name, i_global_watermark, pg_catalog.now(), 1);
        end if;
        perform pgq.register_consumer_at(i_queue_name, '.global_watermark', i_global_watermark);
    elsif i_node_type = 'leaf' then
        if i_combined_queue is not null
           and not exists (select 1 from pgq.queue q where q.queue_name = i_combined_queue)
        then
            ret_code := 401;
            ret_note := 'non-existing queue on leaf side: ' || i_combined_queue;
            return;
        end if;
    else
        -- Skytools means to answer this too, but carries on and fails on node_info's check
        ret_code := 401;
        ret_note := 'bad node type: ' || coalesce(i_node_type, 'NULL');
        return;
    end if;

    insert into pgq_node.node_info (queue_name, node_type, node_name, worker_name, combined_queue)
        values (i_queue_name, i_node_type, i_node_name, i_worker_name, i_combined_queue);

    select r.ret_code, r.ret_note into v_reg
      from pgq_node.register_consumer(i_queue_name, i_worker_name, v_provider, v_watermark) r;
    if v_reg.ret_code <> 200 then
        ret_code := v_reg.ret_code;
        ret_note := v_reg.ret_note;
        return;
    end if;

    ret_code := 200;
    ret_note := 'Node "' || i_node_name || '" initialized for queue "' || i_queue_name
                || '" with type "' || i_node_type || '"';
end;
$$;

-- Drop a node. Run on every member to forget it everywhere:
--   on the node itself it removes the node's state, its queue and the other members;
--   elsewhere it removes the node's subscription here, unless the node is this node's
--   provider (405);
--   then its location goes (unregister_location; the root announces it).
-- 200 also when there was little or nothing left to clean up.
create or replace function pgq_node.drop_node(i_queue_name text, i_node_name text,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_local boolean;
    v_provider boolean;
begin
    select n.node_name = i_node_name, w.provider_node = i_node_name
      into v_local, v_provider
      from pgq_node.node_info n
      left join pgq_node.local_state w on w.queue_name = n.queue_name and w.consumer_name = n.worker_name
     where n.queue_name = i_queue_name;
    if not found then
        -- no node here: clean up whatever an earlier, interrupted drop left
        v_local := true;
    end if;

    if v_local then
        delete from pgq_node.subscriber_info s where s.queue_name = i_queue_name;
        delete from pgq_node.local_state s where s.queue_name = i_queue_name;
        delete from pgq_node.node_info n where n.queue_name = i_queue_name and n.node_name = i_node_name;
        if exists (select 1 from pgq.queue q where q.queue_name = i_queue_name) then
            perform pgq.drop_queue(i_queue_name, true);
        end if;
        delete from pgq_node.node_location l
         where l.queue_name = i_queue_name and l.node_name <> i_node_name;
    elsif v_provider then
        ret_code := 405;
        ret_note := 'Cannot drop provider node: ' || i_node_name;
        return;
    else
        perform pgq_node.unregister_subscriber(i_queue_name, i_node_name);
    end if;

    perform pgq_node.unregister_location(i_queue_name, i_node_name);

    ret_code := 200;
    ret_note := 'Node dropped: ' || i_node_name;
end;
$$;

-- This node as its worker and admin tools see it. 100, or 404 for a queue with no node here.
--   local_watermark: root and branch see _watermarks(); a leaf, its worker's position.
--   worker_last_tick: on the root, the latest tick (its worker consumes nothing).
--   target_for: on root and branch, the local leaves whose combined queue this is.
create or replace function pgq_node.get_node_info(i_queue_name text,
    out ret_code int4, out ret_note text, out node_type text, out node_name text,
    out global_watermark bigint, out local_watermark bigint,
    out provider_node text, out provider_location text,
    out combined_queue text, out combined_type text,
    out worker_name text, out worker_paused bool, out worker_uptodate bool, out worker_last_tick bigint,
    out node_attrs text, out target_for text[])
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    select n.node_type, n.node_name, n.combined_queue, c.node_type, n.worker_name, n.node_attrs,
           w.provider_node, l.node_location, w.paused, w.uptodate, w.last_tick_id
      into get_node_info.node_type, get_node_info.node_name, get_node_info.combined_queue,
           get_node_info.combined_type, get_node_info.worker_name, get_node_info.node_attrs,
           get_node_info.provider_node, get_node_info.provider_location, get_node_info.worker_paused,
           get_node_info.worker_uptodate, get_node_info.worker_last_tick
      from pgq_node.node_info n
      left join pgq_node.node_info c on c.queue_name = n.combined_queue
      left join pgq_node.local_state w on w.queue_name = n.queue_name and w.consumer_name = n.worker_name
      left join pgq_node.node_location l on l.queue_name = w.queue_name and l.node_name = w.provider_node
     where n.queue_name = i_queue_name;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown queue: ' || i_queue_name;
        return;
    end if;

    if get_node_info.node_type in ('root', 'branch') then
        select wm.local_watermark, wm.global_watermark
          into get_node_info.local_watermark, get_node_info.global_watermark
          from pgq_node._watermarks(i_queue_name) wm;
        select array_agg(t.queue_name order by t.queue_name) into target_for
          from pgq_node.node_info t
         where t.combined_queue = i_queue_name;
    else
        local_watermark := worker_last_tick;
    end if;
    if get_node_info.node_type = 'root' then
        worker_last_tick := pgq_node._queue_top(i_queue_name);
    end if;

    ret_code := 100;
    ret_note := 'Ok';
end;
$$;

create or replace function pgq_node.set_node_attrs(i_queue_name text, i_node_attrs text,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    update pgq_node.node_info n set node_attrs = i_node_attrs where n.queue_name = i_queue_name;
    if not found then
        ret_code := 404;
        ret_note := 'Node not found';
        return;
    end if;
    ret_code := 200;
    ret_note := 'Node attributes updated';
end;
$$;

-- Make a branch the root: producers may insert again, the local ticker takes over from
-- the latest copied tick (the tick sequence is moved up to it), and the worker reads
-- from this node. 200; 404 no node here; 301 not a branch.
create or replace function pgq_node.promote_branch(i_queue_name text,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_node record;
    v_top bigint;
begin
    select n.node_name, n.node_type, n.worker_name into v_node
      from pgq_node.node_info n where n.queue_name = i_queue_name
       for update;
    if not found then
        ret_code := 404;
        ret_note := 'Node not initialized for queue: ' || i_queue_name;
        return;
    elsif v_node.node_type <> 'branch' then
        ret_code := 301;
        ret_note := 'Node not branch';
        return;
    end if;

    update pgq.queue q
       set queue_disable_insert = false, queue_external_ticker = false
     where q.queue_name = i_queue_name;
    v_top := pgq_node._queue_top(i_queue_name);
    perform pgq.seq_setval(q.queue_tick_seq, v_top)
       from pgq.queue q where q.queue_name = i_queue_name;

    update pgq_node.node_info n set node_type = 'root' where n.queue_name = i_queue_name;
    update pgq_node.local_state s
       set provider_node = v_node.node_name, last_tick_id = v_top, uptodate = false
     where s.queue_name = i_queue_name and s.consumer_name = v_node.worker_name;

    ret_code := 200;
    ret_note := 'Branch node promoted to root';
end;
$$;

-- Turn the root into a branch, one step per call (each in its own transaction):
--   1: close the queue to producers and stop the local ticker;
--   2: wait for producers that got in before step 1, then make a last tick
--      (returned in last_tick) that holds everything they wrote;
--   3: become a branch whose worker reads from i_new_provider, starting at the
--      latest tick.
-- 200; 404 no node here; 301 not the root. Steps 2 and 3 before step 1 raise an error.
create or replace function pgq_node.demote_root(i_queue_name text, i_step int4, i_new_provider text,
    out ret_code int4, out ret_note text, out last_tick int8)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_node record;
    v_queue record;
    v_event_seq int8;
    v_lock_timeout text;
begin
    select n.node_type, n.worker_name into v_node
      from pgq_node.node_info n where n.queue_name = i_queue_name
       for update;
    if not found then
        ret_code := 404;
        ret_note := 'Node not initialized for queue: ' || i_queue_name;
        return;
    elsif v_node.node_type <> 'root' then
        ret_code := 301;
        ret_note := 'Node not root';
        return;
    end if;

    if i_step = 2 then
        -- A producer reads queue_disable_insert and then locks the event table for its INSERT;
        -- one that read it before step 1 committed may wait for the lock below and insert after
        -- the last tick, an event no subscriber would ever read. Every reader of pgq.queue
        -- holds its lock to the end of its transaction: this one waits until those that might
        -- still have seen writing enabled are gone (pgq stalls in this database meanwhile, so
        -- not for longer than lock_timeout, 30 s when the session has none). logutriga's fast
        -- path reads the DDL epoch instead of pgq.queue (in _trg_logu_row's test of its kept
        -- shape): pgq._wait_epoch_readers waits for those transactions first, and holds
        -- nothing after (a writer that reads the epoch and then pgq.queue would otherwise
        -- deadlock with us; so must the caller hold no lock on pgq.queue). Each of the two waits
        -- may take lock_timeout.
        -- the session's own lock_timeout when it has one
        v_lock_timeout := pg_catalog.current_setting('lock_timeout');
        if v_lock_timeout = '0' then
            perform pg_catalog.set_config('lock_timeout', '30s', true);
        end if;
        begin
            if pg_catalog.to_regprocedure('pgq._wait_epoch_readers()') is not null then
                perform pgq._wait_epoch_readers();
            end if;
            lock table pgq.queue in access exclusive mode;
            perform pg_catalog.set_config('lock_timeout', v_lock_timeout, true);
        exception when lock_not_available then
            raise exception 'demote_root step 2: transactions that read pgq.queue or ran a pgq trigger before writing to queue % was disabled still run after % (pids %); end them and run step 2 again',
                i_queue_name, pg_catalog.current_setting('lock_timeout'), (select pg_catalog.string_agg(l.pid::text, ', ') from pg_catalog.pg_locks l
                                where l.relation in ('pgq.queue'::pg_catalog.regclass, pg_catalog.to_regclass('pgq.trg_ddl_epoch')) and l.granted
                                  and l.pid <> pg_catalog.pg_backend_pid())
                  using errcode = 'lock_not_available';
        end;
    end if;
    if i_step > 1 then
        select q.queue_data_pfx, q.queue_tick_seq, q.queue_event_seq into v_queue
          from pgq.queue q
         where q.queue_name = i_queue_name and q.queue_disable_insert and q.queue_external_ticker;
        if not found then
            raise exception 'steps in wrong order';
        end if;
    end if;

    if i_step = 1 then
        update pgq.queue q
           set queue_disable_insert = true, queue_external_ticker = true
         where q.queue_name = i_queue_name;
        if not found then
            ret_code := 404;
            ret_note := 'Huh, no queue?: ' || i_queue_name;
            return;
        end if;
        ret_code := 200;
        ret_note := 'Step 1: Writing disabled for: ' || i_queue_name;
    elsif i_step = 2 then
        -- a lock on the parent covers the event tables under it: this waits until every
        -- producer that started before step 1 has committed or rolled back
        execute format('lock table %s in exclusive mode', pgq.quote_fqname(v_queue.queue_data_pfx));
        -- fresh ids from both sequences: the tick lies after every event and tick there is
        last_tick := pg_catalog.nextval(v_queue.queue_tick_seq);
        v_event_seq := pg_catalog.nextval(v_queue.queue_event_seq);
        perform pgq.ticker(i_queue_name, last_tick, pg_catalog.now(), v_event_seq);
        ret_code := 200;
        ret_note := 'Step 2: Inserted last tick: ' || i_queue_name;
    elsif i_step = 3 then
        last_tick := pgq_node._queue_top(i_queue_name);
        update pgq_node.node_info n set node_type = 'branch' where n.queue_name = i_queue_name;
        update pgq_node.local_state s
           set provider_node = i_new_provider, last_tick_id = last_tick, uptodate = false
         where s.queue_name = i_queue_name and s.consumer_name = v_node.worker_name;
        ret_code := 200;
        ret_note := 'Step 3: Demoted root to branch: ' || i_queue_name;
    else
        raise exception 'incorrect step number';
    end if;
end;
$$;
