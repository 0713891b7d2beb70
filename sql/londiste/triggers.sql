-- The pgq triggers that log a replicated table's changes into the queue.

-- Create (or recreate) the queue's triggers on a table:
--   _londiste_<queue>           row trigger: pgq.logutriga (default), sqltriga or jsontriga
--   _londiste_<queue>_truncate  after truncate, per statement: pgq.sqltriga
-- Arguments in i_trg_args:
--   tgflags=<letters>  B before / A after (default), L logutriga / Q sqltriga / J jsontriga
--                      (J wins over L, L over Q), I U D the events (default all), S skip
--   skip (any case)    the row trigger skips the change (a queue-only table); its name gets
--                      the prefix zzz_ so that it sorts (and fires) last
--   no_triggers, virtual_table  no trigger at all (201)
--   expect_sync, skip_truncate, merge_all, no_merge  for local_add_table; not passed on
--   anything else      passed to the trigger function as it is
-- On a leaf the triggers get 'deny' (changes there are refused). When the local table is not
-- the queue's name, ev_extra1 carries the queue's name unless the caller set it.
-- trigger_name stays NULL, as in Skytools 3.8 (see compatibility.md).
create or replace function londiste.create_trigger(in i_queue_name text, in i_table_name text,
    in i_trg_args text[], in i_dest_table text, in i_node_type text,
    out ret_code int4, out ret_note text, out trigger_name text)
language plpgsql as $$
declare
    v_arg text;
    v_flags text := '';
    v_args text[] := array[i_queue_name];
    v_extra text[] := '{}';
    v_skip boolean := false;
    v_no_triggers boolean := false;
    v_got_extra1 boolean := false;
    v_name text := '_londiste_' || i_queue_name;
    v_func text;
    v_when text;
    v_events text[] := '{}';
    v_oid oid := londiste.find_table_oid(i_dest_table);
    v_skip_count int4;
    v_skip_name text;
begin
    foreach v_arg in array coalesce(i_trg_args, '{}') loop
        if v_arg like 'tgflags=%' then
            v_flags := v_flags || pg_catalog.upper(pg_catalog.substr(v_arg, 9));
        elsif v_arg in ('no_triggers', 'virtual_table') then
            v_no_triggers := true;
        elsif pg_catalog.lower(v_arg) = 'skip' then
            v_skip := true;
        elsif v_arg not in ('expect_sync', 'skip_truncate', 'merge_all', 'no_merge') then
            v_got_extra1 := v_got_extra1 or v_arg like 'ev_extra1=%';
            v_args := v_args || v_arg;
        end if;
    end loop;
    if v_no_triggers then
        ret_code := 201;
        ret_note := 'Trigger not created';
        return;
    end if;
    -- events from a local table with another name still carry the queue's table name
    if i_dest_table <> i_table_name and not v_got_extra1 then
        v_args := v_args || ('ev_extra1=' || pg_catalog.quote_literal(i_table_name));
    end if;

    v_func := case when strpos(v_flags, 'J') > 0 then 'pgq.jsontriga'
                   when strpos(v_flags, 'L') > 0 then 'pgq.logutriga'
                   when strpos(v_flags, 'Q') > 0 then 'pgq.sqltriga'
                   else 'pgq.logutriga' end;
    v_when := case when strpos(v_flags, 'A') > 0 then 'after'
                   when strpos(v_flags, 'B') > 0 then 'before'
                   else 'after' end;
    if strpos(v_flags, 'I') > 0 then v_events := v_events || 'insert'::text; end if;
    if strpos(v_flags, 'U') > 0 then v_events := v_events || 'update'::text; end if;
    if strpos(v_flags, 'D') > 0 then v_events := v_events || 'delete'::text; end if;
    if cardinality(v_events) = 0 then
        v_events := array['insert', 'update', 'delete'];
    end if;
    v_skip := v_skip or strpos(v_flags, 'S') > 0;

    if i_node_type = 'leaf' then
        -- a leaf without the pgq trigger functions cannot guard its tables
        if not exists (select 1 from pg_catalog.pg_proc p
                         join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'pgq' and p.proname in ('logutriga', 'sqltriga', 'jsontriga'))
        then
            ret_code := 201;
            ret_note := 'Trigger not created';
            return;
        end if;
        v_extra := array['deny'];
    end if;

    -- a SKIP trigger must fire last: no AFTER trigger may follow it, and there is only one
    if v_skip or v_when = 'after' then
        select count(*), min(t.tgname) into v_skip_count, v_skip_name
          from pg_catalog.pg_trigger t
         where t.tgrelid = v_oid
           and position('\x00534b495000'::bytea in t.tgargs) > 0;   -- \0SKIP\0
    end if;
    if v_when = 'after' and v_skip_count > 0 then
        ret_code := 403;
        ret_note := 'AFTER trigger cannot work with SKIP trigger(s)';
        return;
    end if;
    if v_skip then
        if v_skip_count = 0 then
            v_name := 'zzz_' || v_name;
            v_args := v_args || 'SKIP'::text;
        elsif v_skip_count = 1 then
            if pg_catalog.strpos(v_skip_name, 'zzz_') <> 1 then
                execute pg_catalog.format('alter trigger %I on %s rename to %I', v_skip_name,
                    londiste.quote_fqname(i_dest_table), 'zzz_' || v_skip_name);
            end if;
        else
            ret_code := 405;
            ret_note := 'Multiple SKIP triggers';
            return;
        end if;
    end if;

    -- the row trigger is always made anew, so that it has the arguments given now
    if exists (select 1 from pg_catalog.pg_trigger t where t.tgrelid = v_oid and t.tgname = v_name) then
        execute pg_catalog.format('drop trigger %I on %s', v_name, londiste.quote_fqname(i_dest_table));
    end if;
    execute pg_catalog.format('create trigger %I %s %s on %s for each row execute procedure %s(%s)',
        v_name, v_when, pg_catalog.array_to_string(v_events, ' or '),
        londiste.quote_fqname(i_dest_table), v_func,
        (select pg_catalog.string_agg(pg_catalog.quote_literal(a), ', ' order by i)
           from unnest(v_args || v_extra) with ordinality x(a, i)));

    -- the truncate trigger is made once
    if not exists (select 1 from pg_catalog.pg_trigger t
                    where t.tgrelid = v_oid and t.tgname = '_londiste_' || i_queue_name || '_truncate')
    then
        execute pg_catalog.format('create trigger %I after truncate on %s for each statement execute procedure pgq.sqltriga(%s)',
            '_londiste_' || i_queue_name || '_truncate', londiste.quote_fqname(i_dest_table),
            (select pg_catalog.string_agg(pg_catalog.quote_literal(a), ', ' order by i)
               from unnest(array[i_queue_name] || v_extra) with ordinality x(a, i)));
    end if;

    ret_code := 200;
    ret_note := 'OK';
end;
$$;

-- Drop the queue's triggers from the table's local copy: every pgq trigger whose first
-- argument is the queue name.
create or replace function londiste.drop_table_triggers(in i_queue_name text, in i_table_name text)
returns void language plpgsql strict as $$
declare
    v_dest text;
    v_trigger text;
begin
    select coalesce(t.dest_table, t.table_name) into v_dest
      from londiste.table_info t
     where t.queue_name = i_queue_name and t.table_name = i_table_name;
    if not found then
        return;
    end if;
    for v_trigger in
        select tg.tgname from pg_catalog.pg_trigger tg
         where tg.tgrelid = londiste.find_table_oid(v_dest)
           and londiste.is_replica_func(tg.tgfoid)
           and tg.tgnargs > 0
           and substring(tg.tgargs from 1 for position('\x00'::bytea in tg.tgargs) - 1)
               = pg_catalog.convert_to(i_queue_name, pg_catalog.getdatabaseencoding())
    loop
        execute pg_catalog.format('drop trigger %I on %s', v_trigger, londiste.quote_fqname(v_dest));
    end loop;
end;
$$;

-- Deleting a table's row drops its triggers (global_remove_table, or a dropped node).
create or replace function londiste.table_info_trigger()
returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform londiste.drop_table_triggers(old.queue_name, old.table_name);
    end if;
    return old;
end;
$$;
