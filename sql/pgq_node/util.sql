-- Versions, the schema upgrade, node type checks and the watermark arithmetic that
-- get_node_info and get_worker_state share.

-- Skytools' pgq_node reports its extension version; ours is never an extension, so the
-- version is fixed. Nothing in pgqd, python3-pgq or londiste reads it (see decisions.md);
-- it stays a dotted number like the versions those tools do read.
create or replace function pgq_node.version()
returns text language sql immutable as $$ select '3.5'::text $$;

-- Marks this pgq_node schema as ours; the installer uses it to tell ours from Skytools'.
create or replace function pgq_node.camel_skytools_version()
returns text language sql immutable as $$ select '0.1.0'::text $$;

-- Bring older tables up to date: node_info.node_attrs came with pgq_node 3.1.
-- Returns the number of changes made.
create or replace function pgq_node.upgrade_schema()
returns int4 language plpgsql as $$
declare
    v_changes int4 := 0;
begin
    if not exists (select 1 from pg_catalog.pg_attribute
                    where attrelid = 'pgq_node.node_info'::regclass
                      and attname = 'node_attrs' and not attisdropped)
    then
        alter table pgq_node.node_info add column node_attrs text;
        v_changes := v_changes + 1;
    end if;
    return v_changes;
end;
$$;

-- Not security definer (as in Skytools): the caller needs to see node_info.
create or replace function pgq_node.is_root_node(i_queue_name text)
returns bool language plpgsql as $$
declare
    v_root bool;
begin
    select n.node_type = 'root' into v_root
      from pgq_node.node_info n where n.queue_name = i_queue_name;
    if not found then
        raise exception 'queue does not exist: %', i_queue_name;
    end if;
    return v_root;
end;
$$;

create or replace function pgq_node.is_leaf_node(i_queue_name text)
returns bool language plpgsql as $$
declare
    v_leaf bool;
begin
    select n.node_type = 'leaf' into v_leaf
      from pgq_node.node_info n where n.queue_name = i_queue_name;
    if not found then
        raise exception 'queue does not exist: %', i_queue_name;
    end if;
    return v_leaf;
end;
$$;

-- Latest tick of the local copy of the queue; NULL when there is none (a leaf).
create or replace function pgq_node._queue_top(i_queue_name text)
returns bigint language sql stable as $$
    select t.tick_id
      from pgq.tick t
      join pgq.queue q on q.queue_id = t.tick_queue
     where q.queue_name = i_queue_name
     order by t.tick_queue desc, t.tick_id desc
     limit 1
$$;

-- Watermarks of a node that has a local queue (root, branch).
-- local: the oldest position any local consumer still needs (the subscribers' workers and
--   .<node>.watermark among them, so it covers the whole subtree); the latest tick when no
--   consumer holds anything back.
-- global: where .global_watermark stands, the oldest tick the cascade as a whole needs.
create or replace function pgq_node._watermarks(i_queue_name text,
    out local_watermark bigint, out global_watermark bigint)
language sql stable as $$
    select coalesce(min(c.last_tick) filter (where c.consumer_name <> '.global_watermark'),
                    pgq_node._queue_top(i_queue_name)),
           min(c.last_tick) filter (where c.consumer_name = '.global_watermark')
      from pgq.get_consumer_info(i_queue_name) c
$$;
