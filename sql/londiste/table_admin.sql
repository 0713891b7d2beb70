-- Tables of a queue: registering them on the queue (global_*) and replicating them on this
-- node (local_*), with the copy state setters the workers use.

-- Register a table on the queue (not yet replicated here), and on the combined queue a
-- part queue feeds. Adding it twice is not an error.
create or replace function londiste.global_add_table(in i_queue_name text, in i_table_name text,
    out ret_code int4, out ret_note text)
language plpgsql strict as $$
declare
    v_fq text := londiste.make_fqname(i_table_name);
    v_combined text;
begin
    -- the lock keeps two adders of the same queue in line
    select n.combined_queue into v_combined
      from pgq_node.node_info n where n.queue_name = i_queue_name for update;
    if not found then
        ret_code := 400;
        ret_note := 'No such queue: ' || i_queue_name;
        return;
    end if;
    if exists (select 1 from londiste.table_info t
                where t.queue_name = i_queue_name and t.table_name = v_fq) then
        ret_code := 200;
        ret_note := 'Table already added: ' || v_fq;
        return;
    end if;
    begin
        insert into londiste.table_info (queue_name, table_name) values (i_queue_name, v_fq);
    exception when unique_violation then
        ret_code := 200;
        ret_note := 'Table already added: ' || i_table_name;
        return;
    end;
    if v_combined is not null then
        perform londiste.global_add_table(v_combined, i_table_name);
    end if;
    ret_code := 200;
    ret_note := 'Table added: ' || i_table_name;
end;
$$;

-- Unregister a table from the queue; on a subscriber it stops being replicated first. The
-- row's delete trigger drops the table's triggers.
create or replace function londiste.global_remove_table(in i_queue_name text, in i_table_name text,
    out ret_code int4, out ret_note text)
language plpgsql strict as $$
declare
    v_fq text := londiste.make_fqname(i_table_name);
begin
    if not pgq_node.is_root_node(i_queue_name) then
        perform londiste.local_remove_table(i_queue_name, v_fq);
    end if;
    delete from londiste.table_info t where t.queue_name = i_queue_name and t.table_name = v_fq;
    if not found then
        ret_code := 400;
        ret_note := 'Table not found: ' || v_fq;
        return;
    end if;
    ret_code := 200;
    ret_note := 'Table removed: ' || i_table_name;
end;
$$;

-- Start replicating a table on this node. i_table_name is the queue's name for it,
-- i_dest_table the local table when that differs. Magic arguments in i_trg_args (the rest
-- goes to the trigger, see create_trigger):
--   expect_sync    the table is in sync already: no copy (state ok)
--   skip_truncate  table_attrs gets skip_truncate=1 (the copy keeps the rows it finds)
--   merge_all      on a merge leaf, take the table from every part queue
--   no_merge       on a merge leaf, take it from this part queue only
--   virtual_table  no local table, no triggers, no copy
-- Codes: 200 added / already added the same way; 400 no primary key, unknown queue;
-- 404 no such local table, not on the queue; 405 merge conflicts; 410 added with other
-- attributes; 403/405 from create_trigger.
create or replace function londiste.local_add_table(in i_queue_name text, in i_table_name text,
    in i_trg_args text[], in i_table_attrs text, in i_dest_table text,
    out ret_code int4, out ret_note text)
language plpgsql as $$
declare
    v_attrs text := i_table_attrs;
    v_expect_sync boolean := false;
    v_merge_all boolean := false;
    v_no_merge boolean := false;
    v_virtual boolean := false;
    v_fq text;
    v_dest text;
    v_desc text;
    v_node record;
    v_tbl record;
    v_state text;
    v_part record;
    v_combined text;
    v_res record;
begin
    if 'expect_sync' = any (i_trg_args) then v_expect_sync := true; end if;
    if 'merge_all' = any (i_trg_args) then v_merge_all := true; end if;
    if 'no_merge' = any (i_trg_args) then v_no_merge := true; end if;
    if 'virtual_table' = any (i_trg_args) then
        v_virtual := true;
        v_expect_sync := true;      -- nothing to copy
    end if;
    -- one skip_truncate=1 per occurrence, as Skytools appends it
    for v_res in select from unnest(i_trg_args) a where a = 'skip_truncate' loop
        v_attrs := coalesce(v_attrs || '&skip_truncate=1', 'skip_truncate=1');
    end loop;
    if v_merge_all and v_no_merge then
        ret_code := 405;
        ret_note := 'Cannot use merge-all and no-merge together';
        return;
    end if;

    v_fq := londiste.make_fqname(i_table_name);
    v_dest := londiste.make_fqname(coalesce(i_dest_table, i_table_name));
    v_desc := case when v_dest = v_fq then v_fq else v_fq || '(' || v_dest || ')' end;

    if not v_virtual then
        if londiste.find_table_oid(v_dest) is null then
            ret_code := 404;
            ret_note := 'Table does not exist: ' || v_desc;
            return;
        end if;
        -- no primary key is allowed only while another part queue of the same combined
        -- queue has the key dropped for its copy
        if pg_catalog.strpos(londiste.find_column_types(v_dest), 'k') = 0
           and not exists (select 1
                             from pgq_node.node_info me
                             join pgq_node.node_info other
                               on other.combined_queue = me.combined_queue
                              and other.queue_name <> me.queue_name
                             join londiste.table_info t on t.queue_name = other.queue_name
                            where me.queue_name = i_queue_name
                              and coalesce(t.dest_table, t.table_name) = v_dest
                              and t.dropped_ddl is not null)
        then
            ret_code := 400;
            ret_note := 'Primary key missing on table: ' || v_desc;
            return;
        end if;
    end if;

    select * into v_node from pgq_node.get_node_info(i_queue_name);
    if not found or v_node.ret_code >= 400 then
        ret_code := 400;
        ret_note := 'No such set: ' || i_queue_name;
        return;
    end if;

    select t.merge_state, t.local, t.table_attrs into v_tbl
      from londiste.table_info t where t.queue_name = i_queue_name and t.table_name = v_fq;
    if not found then
        -- only the root may put a new table on the queue
        if v_node.node_type <> 'root' then
            ret_code := 404;
            ret_note := 'Table not available on queue: ' || v_desc;
            return;
        end if;
        select g.ret_code, g.ret_note into ret_code, ret_note
          from londiste.global_add_table(i_queue_name, i_table_name) g;
        if ret_code <> 200 then
            return;
        end if;
        select t.merge_state, t.local, t.table_attrs into v_tbl
          from londiste.table_info t where t.queue_name = i_queue_name and t.table_name = v_fq;
    end if;

    if v_tbl.local then
        if v_tbl.table_attrs is distinct from v_attrs then
            ret_code := 410;
            ret_note := 'Table ' || v_desc || ' already added, but with different args: '
                        || coalesce(v_tbl.table_attrs, '');
        else
            ret_code := 200;
            ret_note := 'Table already added: ' || v_desc;
        end if;
        return;
    end if;

    -- the root has the data; a leaf feeding a branch's combined queue gets it there
    if v_node.node_type = 'root' then
        v_state := 'ok';
        perform londiste.root_notify_change(i_queue_name, 'londiste.add-table', v_fq);
    elsif (v_node.node_type = 'leaf' and v_node.combined_type = 'branch') or v_expect_sync then
        v_state := 'ok';
    end if;

    update londiste.table_info t
       set local = true, merge_state = v_state,
           table_attrs = coalesce(v_attrs, t.table_attrs),
           dest_table = nullif(v_dest, v_fq)
     where t.queue_name = i_queue_name and t.table_name = v_fq;
    if not found then
        raise exception 'lost table: %', v_fq;
    end if;

    if v_node.node_type = 'leaf' and not v_no_merge then
        -- the other part queues feeding the same local table take it too
        for v_part in
            select t2.queue_name, t2.table_name, t2.local
              from londiste.table_info t
              join pgq_node.node_info n on n.queue_name = t.queue_name
              join pgq_node.node_info n2 on n2.combined_queue is not distinct from n.combined_queue
              join londiste.table_info t2
                on t2.queue_name = n2.queue_name
               and coalesce(t2.dest_table, t2.table_name) = coalesce(t.dest_table, t.table_name)
             where t.queue_name = i_queue_name and t.table_name = v_fq
               and t2.queue_name <> i_queue_name
        loop
            if v_part.local and v_state is distinct from 'ok' then
                ret_code := 405;
                ret_note := 'Found local table ' || v_desc || ' in queue ' || v_part.queue_name
                            || ', use remove-table first to remove all previous table subscriptions';
                return;
            end if;
            if not v_merge_all and v_state is distinct from 'ok' then
                ret_code := 405;
                ret_note := 'Found multiple sources for table ' || v_desc
                            || ', use merge-all or no-merge to continue';
                return;
            end if;
            update londiste.table_info t
               set local = true, merge_state = v_state,
                   table_attrs = coalesce(v_attrs, t.table_attrs)
             where t.queue_name = v_part.queue_name and t.table_name = v_part.table_name;
            if not found then
                raise exception 'lost table: % on queue %', v_part.table_name, v_part.queue_name;
            end if;
        end loop;

        -- a combined queue that is a root or branch replicates the table as well
        select n2.queue_name, t.table_name as have into v_res
          from pgq_node.node_info n1
          join pgq_node.node_info n2 on n2.queue_name = n1.combined_queue
          left join londiste.table_info t
            on t.queue_name = n2.queue_name and t.table_name = v_fq and t.local
         where n1.queue_name = i_queue_name and n2.node_type in ('root', 'branch');
        if found and v_res.have is null then
            select a.ret_code, a.ret_note into ret_code, ret_note
              from londiste.local_add_table(v_res.queue_name, v_fq, i_trg_args, v_attrs, v_dest) a;
            if ret_code >= 300 then
                return;
            end if;
        end if;
    end if;

    select c.ret_code, c.ret_note into ret_code, ret_note
      from londiste.create_trigger(i_queue_name, v_fq, i_trg_args, v_dest, v_node.node_type) c;
    if ret_code > 299 then
        ret_note := 'Trigger creation failed for table ' || v_desc || ': ' || ret_note;
        return;
    elsif ret_code = 201 then
        ret_code := 200;
        ret_note := 'Table added with no triggers: ' || v_desc;
        return;
    end if;
    -- Skytools 3.8 would answer 301 when another AFTER row trigger sorts before the
    -- londiste one, but its check never fires (compatibility.md): 200, as there.
    ret_code := 200;
    ret_note := 'Table added: ' || v_desc;
end;
$$;

create or replace function londiste.local_add_table(in i_queue_name text, in i_table_name text,
    in i_trg_args text[], in i_table_attrs text, out ret_code int4, out ret_note text)
language plpgsql as $$
begin
    select a.ret_code, a.ret_note into ret_code, ret_note
      from londiste.local_add_table(i_queue_name, i_table_name, i_trg_args, i_table_attrs, null) a;
end;
$$;

create or replace function londiste.local_add_table(in i_queue_name text, in i_table_name text,
    in i_trg_args text[], out ret_code int4, out ret_note text)
language plpgsql as $$
begin
    select a.ret_code, a.ret_note into ret_code, ret_note
      from londiste.local_add_table(i_queue_name, i_table_name, i_trg_args, null, null) a;
end;
$$;

create or replace function londiste.local_add_table(in i_queue_name text, in i_table_name text,
    out ret_code int4, out ret_note text)
language plpgsql strict as $$
begin
    select a.ret_code, a.ret_note into ret_code, ret_note
      from londiste.local_add_table(i_queue_name, i_table_name, null, null, null) a;
end;
$$;

-- New handler: store the attributes and make the triggers anew with the new arguments.
create or replace function londiste.local_change_handler(in i_queue_name text, in i_table_name text,
    in i_trg_args text[], in i_table_attrs text, out ret_code int4, out ret_note text)
language plpgsql as $$
declare
    v_node record;
    v_dest text;
    v_desc text;
begin
    select * into v_node from pgq_node.get_node_info(i_queue_name);
    if not found or v_node.ret_code >= 400 then
        ret_code := 400;
        ret_note := 'No such set: ' || i_queue_name;
        return;
    end if;
    select a.ret_code, a.ret_note into ret_code, ret_note
      from londiste.local_set_table_attrs(i_queue_name, i_table_name, i_table_attrs) a;
    if ret_code <> 200 then
        return;
    end if;
    select coalesce(t.dest_table, i_table_name) into v_dest
      from londiste.table_info t
     where t.queue_name = i_queue_name and t.table_name = i_table_name and t.local;
    select c.ret_code, c.ret_note into ret_code, ret_note
      from londiste.create_trigger(i_queue_name, i_table_name, i_trg_args, v_dest, v_node.node_type) c;
    v_desc := case when v_dest = i_table_name then i_table_name
                   else i_table_name || '(' || v_dest || ')' end;
    if ret_code > 299 then
        ret_note := 'Trigger creation failed for table ' || v_desc || ': ' || ret_note;
    elsif ret_code = 201 then
        ret_code := 200;
        ret_note := 'Table handler updated with no triggers: ' || v_desc;
    else
        ret_code := 200;
        ret_note := 'Handler changed for table: ' || v_desc;
    end if;
end;
$$;

-- Stop replicating a table here: its triggers go, DDL dropped for a merge copy comes back
-- (on an emptied table), its state is reset and its serial sequences stop too. On the root
-- the table also leaves the queue, and subscribers hear of it (londiste.remove-table).
create or replace function londiste.local_remove_table(in i_queue_name text, in i_table_name text,
    out ret_code int4, out ret_note text)
language plpgsql strict as $$
declare
    v_fq text := londiste.make_fqname(i_table_name);
    v_oid oid := londiste.find_table_oid(i_table_name);
    v_tbl record;
    v_seq text;
begin
    select t.local, t.dropped_ddl into v_tbl
      from londiste.table_info t
     where t.queue_name = i_queue_name and t.table_name = v_fq
       for update;
    if not found then
        ret_code := 400;
        ret_note := 'Table not found: ' || v_fq;
        return;
    end if;
    if v_tbl.local then
        perform londiste.drop_table_triggers(i_queue_name, v_fq);
        if v_tbl.dropped_ddl is not null then
            execute 'truncate only ' || londiste.quote_fqname(v_fq);
            execute v_tbl.dropped_ddl;
        end if;
        update londiste.table_info t
           set local = false, custom_snapshot = null, table_attrs = null, dropped_ddl = null,
               merge_state = null, dest_table = null
         where t.queue_name = i_queue_name and t.table_name = v_fq;
        for v_seq in
            select n.nspname || '.' || s.relname
              from pg_catalog.pg_attribute a
              join pg_catalog.pg_class s
                on s.oid = pg_catalog.pg_get_serial_sequence(londiste.quote_fqname(v_fq), a.attname)::regclass
              join pg_catalog.pg_namespace n on n.oid = s.relnamespace
             where a.attrelid = v_oid and a.atthasdef
               and a.atttypid in ('integer'::regtype, 'bigint'::regtype)
        loop
            perform londiste.local_remove_seq(i_queue_name, v_seq);
        end loop;
    elsif not pgq_node.is_root_node(i_queue_name) then
        ret_code := 400;
        ret_note := 'Table not registered locally: ' || v_fq;
        return;
    end if;
    if pgq_node.is_root_node(i_queue_name) then
        perform londiste.global_remove_table(i_queue_name, v_fq);
        perform londiste.root_notify_change(i_queue_name, 'londiste.remove-table', v_fq);
    end if;
    ret_code := 200;
    ret_note := 'Table removed: ' || v_fq;
end;
$$;

-- Copy state of a local table (NULL, in-copy, catching-up, wanna-sync:N, do-sync:N, ok)
-- and the snapshot of its COPY.
create or replace function londiste.local_set_table_state(in i_queue_name text, in i_table_name text,
    in i_snapshot text, in i_merge_state text, out ret_code int4, out ret_note text)
language plpgsql as $$
declare
    v_fq text := londiste.make_fqname(i_table_name);
begin
    update londiste.table_info t
       set custom_snapshot = i_snapshot, merge_state = i_merge_state
     where t.queue_name = i_queue_name and t.table_name = v_fq and t.local;
    if not found then
        ret_code := 404;
        ret_note := 'No such table: ' || v_fq;
        return;
    end if;
    ret_code := 200;
    ret_note := 'Table ' || v_fq || ' state set to ' || coalesce(pg_catalog.quote_literal(i_merge_state), 'NULL');
end;
$$;

-- Unlike the state setter, these two take the table name as stored (no public. added).
create or replace function londiste.local_set_table_attrs(in i_queue_name text, in i_table_name text,
    in i_table_attrs text, out ret_code int4, out ret_note text)
language plpgsql as $$
begin
    update londiste.table_info t set table_attrs = i_table_attrs
     where t.queue_name = i_queue_name and t.table_name = i_table_name and t.local;
    if found then
        ret_code := 200;
        ret_note := i_table_name || ': Table attributes stored';
    else
        ret_code := 404;
        ret_note := 'no such local table: ' || i_table_name;
    end if;
end;
$$;

create or replace function londiste.local_set_table_struct(in i_queue_name text, in i_table_name text,
    in i_dropped_ddl text, out ret_code int4, out ret_note text)
language plpgsql as $$
begin
    update londiste.table_info t set dropped_ddl = i_dropped_ddl
     where t.queue_name = i_queue_name and t.table_name = i_table_name and t.local;
    if found then
        ret_code := 200;
        ret_note := 'Table struct stored';
    else
        ret_code := 404;
        ret_note := 'no such local table: ' || i_table_name;
    end if;
end;
$$;
