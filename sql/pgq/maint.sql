-- Maintenance: table rotation, the retry queue, vacuum list, and the operation list
-- a ticker (pgqd or our maintenance route) runs, one operation per transaction.
--
-- Rotation: writers use table queue_cur_table. step1 moves them to the next table,
-- after truncating it; step2, in a later transaction, records a txid above which
-- every writer surely sees the new table. A table is reused only when the slowest
-- consumer is past the previous rotation's step2, so nobody can still need it.

create or replace function pgq.maint_rotate_tables_step1(i_queue_name text)
returns integer language plpgsql as $$
declare
    q pgq.queue%rowtype;
    v_slowest bigint;
    v_xmin bigint;
    v_next int4;
    v_table text;
begin
    select * into q from pgq.queue
     where queue_name = i_queue_name
       and queue_rotation_period is not null
       and queue_switch_step2 is not null
       and queue_switch_time + queue_rotation_period < current_timestamp
       for update;
    if not found then
        return 0;  -- not due, or the previous rotation is not complete
    elsif txid_current() < q.queue_switch_step1 then
        raise exception 'queue % maint failure: step1=%, current=%', i_queue_name, q.queue_switch_step1, txid_current();
    end if;

    select min(sub_last_tick) into v_slowest from pgq.subscription where sub_queue = q.queue_id;
    if v_slowest is not null then
        select txid_snapshot_xmin(tick_snapshot) into v_xmin
          from pgq.tick where tick_queue = q.queue_id and tick_id = v_slowest;
        if not found then
            raise exception 'queue % maint failure: tick % not found', i_queue_name, v_slowest;
        end if;
        if v_xmin <= q.queue_switch_step2 then
            -- the slowest consumer may still read the table we would reuse
            return 0;
        end if;
    end if;

    v_next := (q.queue_cur_table + 1) % q.queue_ntables;
    v_table := pgq.quote_fqname(q.queue_data_pfx || '_' || v_next);
    begin
        -- somebody (pg_dump, say) holds the table: try again next round
        execute 'lock table ' || v_table || ' nowait';
    exception when lock_not_available then
        return 0;
    end;
    execute 'truncate ' || v_table;

    update pgq.queue
       set queue_cur_table = v_next, queue_switch_time = current_timestamp,
           queue_switch_step1 = txid_current(), queue_switch_step2 = null
     where queue_id = q.queue_id;

    -- ticks are kept one rotation longer than the data, so consumers can still be
    -- moved back that far and the tick index stays useful
    delete from pgq.tick
     where tick_queue = q.queue_id and txid_snapshot_xmin(tick_snapshot) < q.queue_switch_step2;
    return 0;
end;
$$;

create or replace function pgq.maint_rotate_tables_step2()
returns integer language plpgsql as $$
begin
    update pgq.queue set queue_switch_step2 = txid_current() where queue_switch_step2 is null;
    return 0;
end;
$$;

-- Move up to 10 due retry events back into their queues (original ev_id and
-- ev_time, a new txid). Returns how many moved; the caller repeats while non-zero.
create or replace function pgq.maint_retry_events()
returns integer language plpgsql as $$
declare
    e record;
    v_moved int4 := 0;
begin
    -- one mover at a time
    lock table pgq.retry_queue in share update exclusive mode;
    for e in
        select q.queue_name, r.*
          from pgq.retry_queue r join pgq.queue q on q.queue_id = r.ev_queue
         where r.ev_retry_after <= current_timestamp
         order by r.ev_retry_after
         limit 10
    loop
        perform pgq.insert_event_raw(e.queue_name, e.ev_id, e.ev_time, e.ev_owner, e.ev_retry,
                                     e.ev_type, e.ev_data, e.ev_extra1, e.ev_extra2, e.ev_extra3, e.ev_extra4);
        delete from pgq.retry_queue where ev_owner = e.ev_owner and ev_id = e.ev_id;
        v_moved := v_moved + 1;
    end loop;
    return v_moved;
end;
$$;

-- Tables worth a manual vacuum; nothing when autovacuum runs.
create or replace function pgq.maint_tables_to_vacuum()
returns setof text language plpgsql as $$
begin
    if current_setting('autovacuum') = 'on' then
        return;
    end if;
    return query
        select n.nspname || '.' || c.relname
          from unnest(array['pgq.subscription', 'pgq.consumer', 'pgq.queue', 'pgq.tick', 'pgq.retry_queue',
                            'pgq_ext.completed_tick', 'pgq_ext.completed_batch', 'pgq_ext.completed_event',
                            'pgq_ext.partial_batch', 'pgq_node.local_state', 'londiste.seq_info',
                            'txid.epoch', 'londiste.completed']) with ordinality as w(name, pos)
          join pg_catalog.pg_namespace n on n.nspname = split_part(w.name, '.', 1)
          join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = split_part(w.name, '.', 2)
         order by w.pos;
end;
$$;

-- The maintenance to run now, in order: (function, argument) pairs; "vacuum" means
-- a VACUUM of the named table. Each runs in its own transaction and is repeated
-- while it returns non-zero.
create or replace function pgq.maint_operations(out func_name text, out func_arg text)
returns setof record language plpgsql as $$
declare
    v_rotations int4 := 0;
    v_queue text;
    v_funcs text[];
begin
    func_name := 'pgq.maint_rotate_tables_step1';
    for func_arg in
        select queue_name from pgq.queue
         where queue_rotation_period is not null and queue_switch_step2 is not null
           and queue_switch_time + queue_rotation_period < current_timestamp
         order by 1
    loop
        v_rotations := v_rotations + 1;
        return next;
    end loop;
    if v_rotations > 0 or exists (select 1 from pgq.queue
                                   where queue_rotation_period is not null and queue_switch_step2 is null) then
        func_name := 'pgq.maint_rotate_tables_step2';
        func_arg := null;
        return next;
    end if;

    for v_queue, v_funcs in
        select queue_name, queue_extra_maint from pgq.queue where queue_extra_maint is not null order by 1
    loop
        func_arg := v_queue;
        foreach func_name in array v_funcs loop
            return next;
        end loop;
    end loop;

    func_name := 'vacuum';
    for func_arg in select * from pgq.maint_tables_to_vacuum() loop
        return next;
    end loop;

    -- cascading and londiste maintenance, when those schemas are installed
    if exists (select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'pgq_node' and p.proname = 'maint_watermark') then
        func_name := 'pgq_node.maint_watermark';
        for func_arg in execute 'select queue_name from pgq_node.node_info where node_type = ''root''' loop
            return next;
        end loop;
    end if;
    if exists (select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'londiste' and p.proname = 'root_check_seqs') then
        func_name := 'londiste.root_check_seqs';
        for func_arg in execute 'select distinct s.queue_name from londiste.seq_info s'
                             || ' join pgq_node.node_info n on n.queue_name = s.queue_name'
                             || ' where s.local and n.node_type = ''root''' loop
            return next;
        end loop;
    end if;
    if exists (select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'londiste' and p.proname = 'periodic_maintenance') then
        func_name := 'londiste.periodic_maintenance';
        func_arg := null;
        return next;
    end if;
end;
$$;

-- Brings an older pgq schema up to date: roles, columns added since 3.0. Returns
-- the number of changes made.
create or replace function pgq.upgrade_schema()
returns int4 language plpgsql as $$
declare
    v_changes int4 := 0;
begin
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_reader') then
        create role pgq_reader;
        v_changes := v_changes + 1;
    end if;
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_writer') then
        create role pgq_writer;
        v_changes := v_changes + 1;
    end if;
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_admin') then
        create role pgq_admin in role pgq_reader, pgq_writer;
        v_changes := v_changes + 1;
    end if;
    if not exists (select 1 from pg_catalog.pg_attribute
                    where attrelid = 'pgq.queue'::regclass and attname = 'queue_extra_maint' and not attisdropped) then
        alter table pgq.queue add column queue_extra_maint text[];
        v_changes := v_changes + 1;
    end if;
    if exists (select 1 from pg_catalog.pg_attribute
                where attrelid = 'pgq.subscription'::regclass and attname = 'sub_last_tick' and attnotnull) then
        alter table pgq.subscription alter column sub_last_tick drop not null;
        v_changes := v_changes + 1;
    end if;
    return v_changes;
end;
$$;
