-- What a node replicates: tables, sequences, what could still be added, and who copies
-- first when several part queues feed one table.

create or replace function londiste.get_seq_list(in i_queue_name text,
    out seq_name text, out last_value int8, out local boolean)
returns setof record language plpgsql strict as $$
begin
    return query
        select s.seq_name, s.last_value, s.local
          from londiste.seq_info s
         where s.queue_name = i_queue_name
         order by s.nr, s.seq_name;
end;
$$;

-- Tables of the queue in processing order. copy_role and copy_pos matter only while a
-- table is being copied (see _coordinate_copy); otherwise they are NULL and 0.
create or replace function londiste.get_table_list(in i_queue_name text,
    out table_name text, out local boolean, out merge_state text, out custom_snapshot text,
    out table_attrs text, out dropped_ddl text, out copy_role text, out copy_pos int4,
    out dest_table text)
returns setof record language plpgsql strict stable as $$
declare
    t record;
begin
    for t in
        select ti.* from londiste.table_info ti
         where ti.queue_name = i_queue_name
         order by ti.nr, ti.table_name
    loop
        table_name := t.table_name;
        local := t.local;
        merge_state := t.merge_state;
        custom_snapshot := t.custom_snapshot;
        table_attrs := t.table_attrs;
        dropped_ddl := t.dropped_ddl;
        dest_table := t.dest_table;
        copy_role := null;
        copy_pos := 0;
        if t.merge_state in ('in-copy', 'catching-up') then
            select c.copy_role, c.copy_pos into copy_role, copy_pos
              from londiste._coordinate_copy(i_queue_name, t.table_name) c;
        end if;
        return next;
    end loop;
end;
$$;

-- Partition merge: several part queues (nodes sharing one combined_queue; or, as in
-- Skytools, all queues without one) copy into the same local table. The parts still in
-- copy agree on roles without talking to each other:
--   lead         the first part (the one that dropped the DDL, else the first by name)
--                copies first and restores the DDL at the end;
--   wait-copy    the others wait until the lead has copied;
--   wait-replay  wait until every part has copied before replaying.
-- copy_pos counts the parts before this one that are also in-copy.
create or replace function londiste._coordinate_copy(in i_queue_name text, in i_table_name text,
    out copy_role text, out copy_pos int4)
language plpgsql strict stable as $$
declare
    me record;
    p record;
    v_first text;
begin
    select t.merge_state, t.dropped_ddl, coalesce(t.dest_table, t.table_name) as dest,
           n.combined_queue
      into me
      from londiste.table_info t
      join pgq_node.node_info n on n.queue_name = t.queue_name
     where t.queue_name = i_queue_name and t.table_name = i_table_name;
    if not found then
        return;     -- NULL, NULL as in Skytools
    end if;

    -- the parts feeding the same destination that are not in sync yet (this one included)
    select min(t2.queue_name) filter (where t2.local) as first_part,
           min(t2.queue_name) filter (where t2.local and t2.dropped_ddl is not null) as ddl_part,
           count(*) filter (where t2.local) as n_parts,
           count(*) filter (where t2.local and t2.merge_state <> 'in-copy') as n_done,
           count(*) filter (where t2.queue_name < i_queue_name and me.merge_state = 'in-copy'
                              and t2.merge_state = 'in-copy') as n_before
      into p
      from pgq_node.node_info n2
      join londiste.table_info t2 on t2.queue_name = n2.queue_name
     where n2.combined_queue is not distinct from me.combined_queue
       and coalesce(t2.dest_table, t2.table_name) = me.dest
       and t2.merge_state is distinct from 'ok';

    copy_pos := p.n_before;
    v_first := coalesce(p.ddl_part, p.first_part);
    if v_first is null or p.n_parts = 1 then
        return;     -- a single source: nothing to coordinate
    end if;

    if v_first = i_queue_name then
        if me.merge_state = 'in-copy' then
            copy_pos := 0;
            if me.dropped_ddl is null and p.n_done > 0 then
                copy_role := 'wait-replay';
            elsif p.n_done < p.n_parts then
                copy_role := 'lead';
            end if;
        elsif me.merge_state = 'catching-up' and me.dropped_ddl is not null
              and p.n_done < p.n_parts then
            copy_role := 'wait-replay';
        end if;
    elsif me.merge_state = 'in-copy' then
        if p.ddl_part is not null or p.n_done > 0 then
            copy_role := 'wait-replay';
        else
            copy_role := 'wait-copy';
        end if;
    elsif me.merge_state = 'catching-up' and p.ddl_part is not null then
        copy_role := 'wait-replay';
    end if;
end;
$$;

-- What could still be added on this node: on a root every ordinary table and sequence
-- outside the system and PgQ schemas that is not replicated yet; elsewhere the queue's
-- tables and sequences that are not local.
create or replace function londiste.local_show_missing(in i_queue_name text,
    out obj_kind text, out obj_name text)
returns setof record language plpgsql strict stable as $$
begin
    if pgq_node.is_root_node(i_queue_name) then
        return query
            select c.relkind::text, n.nspname || '.' || c.relname
              from pg_catalog.pg_class c
              join pg_catalog.pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r', 'S')
               and n.nspname not in ('pgq', 'pgq_ext', 'pgq_node', 'londiste', 'pg_catalog', 'information_schema')
               and n.nspname !~ '^pg_(toast|temp)'
               and not exists (select 1 from londiste.table_info t
                                where t.queue_name = i_queue_name and t.local
                                  and coalesce(t.dest_table, t.table_name) = n.nspname || '.' || c.relname)
             order by c.relkind, 2;
    else
        return query
            select x.kind, x.name
              from (select 'S'::text as kind, s.seq_name as name from londiste.seq_info s
                     where s.queue_name = i_queue_name and not s.local
                    union all
                    select 'r'::text, t.table_name from londiste.table_info t
                     where t.queue_name = i_queue_name and not t.local) x
             order by 1, 2;
    end if;
end;
$$;
