-- Foreign keys of tables being copied: dropped before the copy (both directions), kept in
-- pending_fkeys with the statement that adds them back, restored when both ends are in sync.

-- Foreign keys from or to a table, each with its "alter table only ... add constraint".
create or replace function londiste.find_table_fkeys(i_table_name text)
returns setof londiste.pending_fkeys language plpgsql strict stable as $$
declare
    v_oid oid := londiste.find_table_oid(i_table_name);
begin
    return query
        select fn.nspname || '.' || f.relname,
               tn.nspname || '.' || t.relname,
               c.conname::text,
               'alter table only ' || pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.relname)
                   || ' add constraint ' || pg_catalog.quote_ident(c.conname) || ' '
                   || pg_catalog.pg_get_constraintdef(c.oid)
          from pg_catalog.pg_constraint c
          join pg_catalog.pg_class f on f.oid = c.conrelid
          join pg_catalog.pg_namespace fn on fn.oid = f.relnamespace
          join pg_catalog.pg_class t on t.oid = c.confrelid
          join pg_catalog.pg_namespace tn on tn.oid = t.relnamespace
         where c.contype = 'f' and (c.conrelid = v_oid or c.confrelid = v_oid)
         order by 1, 2, 3;
end;
$$;

-- Save a table's foreign key and drop it. 1 when dropped, 0 when there is no such key.
create or replace function londiste.drop_table_fkey(i_from_table text, i_fkey_name text)
returns integer language plpgsql strict as $$
declare
    v_fk londiste.pending_fkeys;
begin
    select * into v_fk from londiste.find_table_fkeys(i_from_table) k
     where k.fkey_name = i_fkey_name and k.from_table = i_from_table;
    if not found then
        return 0;
    end if;
    insert into londiste.pending_fkeys (from_table, to_table, fkey_name, fkey_def)
        values (v_fk.from_table, v_fk.to_table, v_fk.fkey_name, v_fk.fkey_def);
    execute pg_catalog.format('alter table only %s drop constraint %I',
                              londiste.quote_fqname(v_fk.from_table), i_fkey_name);
    return 1;
end;
$$;

-- Put a saved foreign key back. At once (i_lazy false): runs the statement and returns ''.
-- Lazily: returns what the caller should run next, first the key NOT VALID, then its
-- validation; once the key is there and valid, forgets it and returns ''.
create or replace function londiste.restore_table_fkey(i_from_table text, i_fkey_name text,
    i_lazy boolean default false)
returns text language plpgsql strict as $$
declare
    v_fk londiste.pending_fkeys;
    v_valid boolean;
begin
    select * into v_fk from londiste.pending_fkeys p
     where p.from_table = i_from_table and p.fkey_name = i_fkey_name
       for update;
    if not found then
        return '';
    end if;
    if i_lazy then
        select c.convalidated into v_valid
          from pg_catalog.pg_constraint c
         where c.contype = 'f' and c.conrelid = londiste.find_table_oid(i_from_table)
           and c.conname = i_fkey_name;
        if not found then
            return v_fk.fkey_def || ' not valid';
        elsif not v_valid then
            return 'alter table only ' || londiste.quote_fqname(v_fk.from_table)
                   || ' validate constraint ' || pg_catalog.quote_ident(v_fk.fkey_name);
        end if;
    else
        execute v_fk.fkey_def;
    end if;
    delete from londiste.pending_fkeys p
     where p.from_table = v_fk.from_table and p.fkey_name = v_fk.fkey_name;
    return '';
end;
$$;

-- Saved foreign keys from or to a table.
create or replace function londiste.get_table_pending_fkeys(i_table_name text)
returns setof londiste.pending_fkeys language plpgsql strict stable as $$
begin
    return query
        select p.* from londiste.pending_fkeys p
         where p.from_table = i_table_name or p.to_table = i_table_name
         order by 1, 2, 3;
end;
$$;

-- Saved foreign keys this queue's worker may restore now: both ends are local tables of
-- some queue, all of their rows are ok without a copy snapshot, one end is in this queue,
-- and this queue owns the key (when several queues feed the tables: a root part of a
-- combined set first, else the queue of a branch's combined set, else the first by name).
create or replace function londiste.get_valid_pending_fkeys(i_queue_name text)
returns setof londiste.pending_fkeys language plpgsql strict stable as $$
declare
    v_fk londiste.pending_fkeys;
    v_from record;
    v_to record;
    v_owner text;
begin
    for v_fk in
        select p.* from londiste.pending_fkeys p order by p.from_table, p.to_table, p.fkey_name
    loop
        select count(*) as total,
               count(*) filter (where t.queue_name = i_queue_name) as mine,
               count(*) filter (where t.merge_state = 'ok' and t.custom_snapshot is null) as synced
          into v_from
          from londiste.table_info t
         where t.local and coalesce(t.dest_table, t.table_name) = v_fk.from_table;
        select count(*) as total,
               count(*) filter (where t.queue_name = i_queue_name) as mine,
               count(*) filter (where t.merge_state = 'ok' and t.custom_snapshot is null) as synced
          into v_to
          from londiste.table_info t
         where t.local and coalesce(t.dest_table, t.table_name) = v_fk.to_table;
        continue when v_from.total = 0 or v_to.total = 0;
        continue when v_from.synced < v_from.total or v_to.synced < v_to.total;
        continue when v_from.mine = 0 and v_to.mine = 0;

        select coalesce(min(t.queue_name) filter (where c.node_type = 'root'),
                        min(c.queue_name) filter (where c.node_type = 'branch'),
                        min(t.queue_name))
          into v_owner
          from londiste.table_info t
          join pgq_node.node_info n on n.queue_name = t.queue_name
          left join pgq_node.node_info c on c.queue_name = n.combined_queue
         where t.local and coalesce(t.dest_table, t.table_name) in (v_fk.from_table, v_fk.to_table);
        if v_owner = i_queue_name then
            return next v_fk;
        end if;
    end loop;
end;
$$;
