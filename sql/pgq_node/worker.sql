-- The worker: the one cascaded consumer per node that keeps the node itself up to date
-- (copies events and ticks on a branch, publishes watermarks), and the watermark moves
-- it and pgqd make.

-- Everything the worker needs to know at the start of a round. 100; 404 when the node,
-- its worker's registration, the provider's location or the combined queue's node is
-- missing (the fields found so far are filled in).
--   completed_tick: the worker's position on this node.
--   local_queue_top: the latest local tick (root and branch).
create or replace function pgq_node.get_worker_state(i_queue_name text,
    out ret_code int4, out ret_note text,
    out node_type text, out node_name text, out completed_tick bigint,
    out provider_node text, out provider_location text,
    out paused boolean, out uptodate boolean, out cur_error text,
    out worker_name text, out global_watermark bigint, out local_watermark bigint,
    out local_queue_top bigint, out combined_queue text, out combined_type text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    select n.node_type, n.node_name, n.worker_name, n.combined_queue
      into get_worker_state.node_type, get_worker_state.node_name,
           get_worker_state.worker_name, get_worker_state.combined_queue
      from pgq_node.node_info n
     where n.queue_name = i_queue_name;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown queue: ' || i_queue_name;
        return;
    end if;

    select s.last_tick_id, s.provider_node, s.paused, s.uptodate, s.cur_error
      into get_worker_state.completed_tick, get_worker_state.provider_node, get_worker_state.paused,
           get_worker_state.uptodate, get_worker_state.cur_error
      from pgq_node.local_state s
     where s.queue_name = i_queue_name and s.consumer_name = get_worker_state.worker_name;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown consumer: ' || i_queue_name || '/' || get_worker_state.worker_name;
        return;
    end if;

    select l.node_location into get_worker_state.provider_location
      from pgq_node.node_location l
     where l.queue_name = i_queue_name and l.node_name = get_worker_state.provider_node;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown provider node: ' || i_queue_name || '/' || get_worker_state.provider_node;
        return;
    end if;
    ret_code := 100;
    ret_note := 'Ok';

    if get_worker_state.combined_queue is not null then
        select c.node_type into get_worker_state.combined_type
          from pgq_node.node_info c
         where c.queue_name = get_worker_state.combined_queue;
        if not found then
            -- "Combinde" is Skytools' spelling; kept for whoever matches on the text
            ret_code := 404;
            ret_note := 'Combinde queue node not found: ' || get_worker_state.combined_queue;
            return;
        end if;
    end if;

    if get_worker_state.node_type in ('root', 'branch') then
        select wm.local_watermark, wm.global_watermark
          into get_worker_state.local_watermark, get_worker_state.global_watermark
          from pgq_node._watermarks(i_queue_name) wm;
        local_queue_top := pgq_node._queue_top(i_queue_name);
    else
        local_watermark := completed_tick;
    end if;
end;
$$;

-- Move the global watermark, the oldest tick the whole cascade still needs.
--   root:   NULL means "my local watermark" (which covers every node below, see
--           _watermarks); moves .global_watermark there, announces it downstream as a
--           pgq.global-watermark event, and moves its own worker along so it does not
--           look stale.
--   branch: applies the value the root announced (NULL: 500); a tick this branch no
--           longer has (an old event replayed) is skipped with 200.
--   leaf:   nothing to move (100).
-- 200; 404 no node here.
create or replace function pgq_node.set_global_watermark(i_queue_name text, i_watermark bigint,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_node record;
    v_info record;
    v_wm bigint := i_watermark;
begin
    select n.node_type, n.worker_name into v_node
      from pgq_node.node_info n where n.queue_name = i_queue_name
       for update;
    if not found then
        -- no spaces around the name: Skytools' text
        ret_code := 404;
        ret_note := 'Queue' || i_queue_name || ' not found';
        return;
    end if;

    if v_node.node_type = 'root' then
        if v_wm is null then
            select f.ret_code, f.ret_note, f.local_watermark into v_info
              from pgq_node.get_node_info(i_queue_name) f;
            if v_info.ret_code >= 300 then
                ret_code := v_info.ret_code;
                ret_note := v_info.ret_note;
                return;
            end if;
            v_wm := v_info.local_watermark;
            if v_wm is null then
                raise exception 'local_watermark=NULL from get_node_info()?';
            end if;
        end if;
        perform pgq.register_consumer_at(i_queue_name, '.global_watermark', v_wm);
        perform pgq.insert_event(i_queue_name, 'pgq.global-watermark', v_wm::text,
                                 i_queue_name, null, null, null);
        update pgq_node.local_state s set last_tick_id = v_wm
         where s.queue_name = i_queue_name and s.consumer_name = v_node.worker_name;
    elsif v_node.node_type = 'branch' then
        if v_wm is null then
            ret_code := 500;
            ret_note := 'bad usage: wm=null on branch node';
            return;
        end if;
        if not exists (select 1 from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue
                        where q.queue_name = i_queue_name and t.tick_id = v_wm) then
            ret_code := 200;
            ret_note := 'Skipping global watermark update to ' || v_wm::text;
            return;
        end if;
        perform pgq.register_consumer_at(i_queue_name, '.global_watermark', v_wm);
    else
        ret_code := 100;
        ret_note := 'Ignoring global watermark in leaf';
        return;
    end if;

    ret_code := 200;
    ret_note := 'Global watermark set to ' || v_wm::text;
end;
$$;

-- On a combined branch (a failover copy of a combined root), set where the merge-leaf
-- of partition queue i_part_queue_name stands: the tick the partition had reached when
-- the combined root took its events (carried by a pgq.tick-id event). The merge-leaf
-- waits behind this position, so it is right in place when the combined branch
-- becomes root. 200; 201 when the two queues are not a merge-leaf and its combined
-- branch; 401 when the merge-leaf's worker is not registered.
create or replace function pgq_node.set_partition_watermark(i_combined_queue_name text,
    i_part_queue_name text, i_watermark bigint, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_worker text;
begin
    select p.worker_name into v_worker
      from pgq_node.node_info p
      join pgq_node.node_info c on c.queue_name = p.combined_queue
     where p.queue_name = i_part_queue_name and p.node_type = 'leaf'
       and c.queue_name = i_combined_queue_name and c.node_type = 'branch';
    if not found then
        ret_code := 201;
        ret_note := 'Part-queue does not exist';
        return;
    end if;

    update pgq_node.local_state s set last_tick_id = i_watermark
     where s.queue_name = i_part_queue_name and s.consumer_name = v_worker;
    if not found then
        ret_code := 401;
        ret_note := 'Worker registration not found';
        return;
    end if;
    ret_code := 200;
    ret_note := 'Ok';
end;
$$;

-- pgqd calls this for every root queue (pgq.maint_operations): when the root's worker
-- has not published the global watermark for 5 minutes, publish it now. Always 0
-- (pgqd calls it once per round).
create or replace function pgq_node.maint_watermark(i_queue_name text)
returns int4 language plpgsql as $$
declare
    v_lag interval;
begin
    perform 1 from pgq_node.node_info n
     where n.queue_name = i_queue_name and n.node_type = 'root'
       for update;
    if not found then
        return 0;
    end if;
    select c.lag into v_lag from pgq.get_consumer_info(i_queue_name, '.global_watermark') c;
    if v_lag >= interval '5 minutes' then
        perform pgq_node.set_global_watermark(i_queue_name, null);
    end if;
    return 0;
end;
$$;
