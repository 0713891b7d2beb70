-- Queue administration: create, drop, configure, storage and grants of the data tables.

-- Copy the privileges held on one table onto another (event tables inherit the
-- grants of pgq.event_template).
create or replace function pgq._grant_perms_from(src_schema text, src_table text, dst_schema text, dst_table text)
returns integer language plpgsql strict as $$
declare
    v_acl record;
    v_dst text := quote_ident(dst_schema) || '.' || quote_ident(dst_table);
begin
    for v_acl in
        select case when a.grantee = 0 then 'public' else quote_ident(r.rolname) end as grantee,
               a.privilege_type
          from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          cross join lateral pg_catalog.aclexplode(c.relacl) a
          left join pg_catalog.pg_roles r on r.oid = a.grantee
         where n.nspname = src_schema and c.relname = src_table
           and a.grantee <> c.relowner
    loop
        execute format('grant %s on %s to %s', v_acl.privilege_type, v_dst, v_acl.grantee);
    end loop;
    return 1;
end;
$$;

-- Give a queue's tables and sequences the standard privileges.
create or replace function pgq.grant_perms(x_queue_name text)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    q pgq.queue%rowtype;
    v_dot int4;
    v_schema text;
    v_table text;
    i int4;
begin
    select * into q from pgq.queue where queue_name = x_queue_name;
    if not found then
        raise exception 'Queue not found';
    end if;
    v_dot := strpos(q.queue_data_pfx, '.');
    if v_dot > 0 then
        v_schema := substr(q.queue_data_pfx, 1, v_dot - 1);
        v_table := substr(q.queue_data_pfx, v_dot + 1);
    else
        v_schema := 'public';
        v_table := q.queue_data_pfx;
    end if;
    perform pgq._grant_perms_from('pgq', 'event_template', v_schema, v_table);
    for i in 0 .. q.queue_ntables - 1 loop
        perform pgq._grant_perms_from('pgq', 'event_template', v_schema, v_table || '_' || i);
    end loop;
    execute 'grant select on ' || pgq.quote_fqname(q.queue_tick_seq) || ' to public';
    execute 'grant select on ' || pgq.quote_fqname(q.queue_event_seq) || ' to public';
    execute 'grant usage on ' || pgq.quote_fqname(q.queue_event_seq) || ' to pgq_admin';
    return 1;
end;
$$;

-- Event tables are append-only and truncated whole by rotation: no free space to
-- keep, and nothing for autovacuum to do.
create or replace function pgq.tune_storage(i_queue_name text)
returns integer language plpgsql strict as $$
declare
    q pgq.queue%rowtype;
    i int4;
begin
    select * into q from pgq.queue where queue_name = i_queue_name;
    if not found then
        raise exception 'No such event queue';
    end if;
    for i in 0 .. q.queue_ntables - 1 loop
        execute 'alter table ' || pgq.quote_fqname(q.queue_data_pfx || '_' || i)
             || ' set (fillfactor = 100, autovacuum_enabled = off, toast.autovacuum_enabled = off)';
    end loop;
    return 1;
end;
$$;

create or replace function pgq.create_queue(i_queue_name text)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_id    int4;
    v_pfx   text;
    v_tick  text;
    v_seq   text;
    v_tbl   text;
    v_n     int4;
    i       int4;
begin
    if i_queue_name is null then
        raise exception 'Invalid NULL value';
    end if;
    -- one queue DDL at a time: the insert functions are regenerated below
    perform pg_catalog.pg_advisory_xact_lock(pgq._lock_key('queue ddl'), 0);
    perform 1 from pgq.queue where queue_name = i_queue_name;
    if found then
        return 0;
    end if;

    v_id := nextval(pg_catalog.pg_get_serial_sequence('pgq.queue', 'queue_id'));
    v_pfx := 'pgq.event_' || v_id;
    v_tick := v_pfx || '_tick_seq';
    v_seq := v_pfx || '_id_seq';
    insert into pgq.queue (queue_id, queue_name, queue_data_pfx, queue_event_seq, queue_tick_seq)
        values (v_id, i_queue_name, v_pfx, v_seq, v_tick)
        returning queue_ntables into v_n;

    execute 'create sequence ' || pgq.quote_fqname(v_tick);
    execute 'create sequence ' || pgq.quote_fqname(v_seq);
    execute 'create table ' || pgq.quote_fqname(v_pfx) || ' () inherits (pgq.event_template)';
    for i in 0 .. v_n - 1 loop
        v_tbl := v_pfx || '_' || i;
        execute 'create table ' || pgq.quote_fqname(v_tbl) || ' () inherits (' || pgq.quote_fqname(v_pfx) || ')';
        execute 'alter table ' || pgq.quote_fqname(v_tbl) || ' alter column ev_id set default nextval('
             || quote_literal(v_seq) || ')';
        execute 'create index ' || quote_ident('event_' || v_id || '_' || i || '_txid_idx')
             || ' on ' || pgq.quote_fqname(v_tbl) || ' (ev_txid)';
    end loop;

    perform pgq.grant_perms(i_queue_name);
    perform pgq.tune_storage(i_queue_name);
    perform pgq._regen_insert();
    -- tick 1: consumers can register at once
    perform pgq.ticker(i_queue_name);
    return 1;
end;
$$;

create or replace function pgq.drop_queue(x_queue_name text, x_force bool)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    q pgq.queue%rowtype;
    v_consumer text;
    i int4;
begin
    if x_queue_name is null or x_force is null then
        raise exception 'Invalid NULL value';
    end if;
    perform pg_catalog.pg_advisory_xact_lock(pgq._lock_key('queue ddl'), 0);
    select * into q from pgq.queue where queue_name = x_queue_name for update;
    if not found then
        raise exception 'No such event queue';
    end if;

    if x_force then
        for v_consumer in
            select c.co_name from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer
             where s.sub_queue = q.queue_id order by 1
        loop
            perform pgq.unregister_consumer(x_queue_name, v_consumer);
        end loop;
    elsif exists (select 1 from pgq.subscription where sub_queue = q.queue_id) then
        raise exception 'cannot drop queue, consumers still attached';
    end if;

    for i in 0 .. q.queue_ntables - 1 loop
        execute 'drop table if exists ' || pgq.quote_fqname(q.queue_data_pfx || '_' || i);
    end loop;
    execute 'drop table if exists ' || pgq.quote_fqname(q.queue_data_pfx);
    delete from pgq.retry_queue where ev_queue = q.queue_id;
    delete from pgq.tick where tick_queue = q.queue_id;
    execute 'drop sequence if exists ' || pgq.quote_fqname(q.queue_tick_seq);
    execute 'drop sequence if exists ' || pgq.quote_fqname(q.queue_event_seq);
    delete from pgq.queue where queue_id = q.queue_id;
    perform pgq._regen_insert();
    return 1;
end;
$$;

create or replace function pgq.drop_queue(x_queue_name text)
returns integer language plpgsql strict as $$
begin
    return pgq.drop_queue(x_queue_name, false);
end;
$$;

-- Only the ticker and rotation settings can be changed here, as in Skytools.
create or replace function pgq.set_queue_config(x_queue_name text, x_param_name text, x_param_value text)
returns integer language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    if x_queue_name is null or x_param_name is null then
        raise exception 'Invalid NULL value';
    elsif not exists (select 1 from pgq.queue where queue_name = x_queue_name) then
        raise exception 'No such event queue';
    end if;
    case x_param_name
    when 'ticker_max_count' then
        update pgq.queue set queue_ticker_max_count = x_param_value::integer where queue_name = x_queue_name;
    when 'ticker_max_lag' then
        update pgq.queue set queue_ticker_max_lag = x_param_value::interval where queue_name = x_queue_name;
    when 'ticker_idle_period' then
        update pgq.queue set queue_ticker_idle_period = x_param_value::interval where queue_name = x_queue_name;
    when 'ticker_paused' then
        update pgq.queue set queue_ticker_paused = x_param_value::boolean where queue_name = x_queue_name;
    when 'rotation_period' then
        update pgq.queue set queue_rotation_period = x_param_value::interval where queue_name = x_queue_name;
    when 'external_ticker' then
        update pgq.queue set queue_external_ticker = x_param_value::boolean where queue_name = x_queue_name;
    else
        -- the trailing "s" is part of Skytools' message text (a printf leftover)
        raise exception 'cannot change parameter "%s"', x_param_name;
    end case;
    return 1;
end;
$$;
