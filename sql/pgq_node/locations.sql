-- The member map: which nodes belong to a cascade and how to reach them. The root
-- announces every change as an event, and the workers downstream replay it, so every
-- node ends up with the same list.
-- Functions that run as their owner have a fixed search_path, so a caller's own
-- functions or operators never run inside them.

-- Add a member or change it. A NULL location keeps the one already known, so
-- (queue, node, NULL, true) just marks a member dead. Always 200.
create or replace function pgq_node.register_location(i_queue_name text, i_node_name text,
    i_node_location text, i_dead boolean, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_root boolean;
begin
    -- the row lock keeps the node from being promoted or demoted while we decide
    -- whether to announce the change
    select n.node_type = 'root' into v_root
      from pgq_node.node_info n where n.queue_name = i_queue_name
       for update;

    if i_node_location is null then
        update pgq_node.node_location l
           set dead = i_dead
         where l.queue_name = i_queue_name and l.node_name = i_node_name;
    else
        insert into pgq_node.node_location as l (queue_name, node_name, node_location, dead)
            values (i_queue_name, i_node_name, i_node_location, i_dead)
            on conflict (queue_name, node_name)
            do update set node_location = excluded.node_location, dead = excluded.dead;
    end if;

    if v_root then
        perform pgq.insert_event(i_queue_name, 'pgq.location-info', i_node_name,
                                 i_queue_name, i_node_location, i_dead::text, null);
    end if;

    ret_code := 200;
    ret_note := 'Location registered';
end;
$$;

-- Remove a member. Refused (403) for this node itself and for its provider; a
-- subscription the member still had here goes with it. 200, or 301 when it was not
-- known. The root announces the removal whether or not it knew the member.
create or replace function pgq_node.unregister_location(i_queue_name text, i_node_name text,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_self text;
    v_type text;
    v_provider text;
begin
    select n.node_name, n.node_type, w.provider_node
      into v_self, v_type, v_provider
      from pgq_node.node_info n
      left join pgq_node.local_state w on w.queue_name = n.queue_name and w.consumer_name = n.worker_name
     where n.queue_name = i_queue_name;
    if v_self = i_node_name then
        ret_code := 403;
        ret_note := 'Cannot drop node''s own location';
        return;
    elsif v_provider = i_node_name then
        ret_code := 403;
        ret_note := 'Cannot drop location of node''s parent';
        return;
    end if;

    perform pgq_node.unregister_subscriber(i_queue_name, i_node_name);

    delete from pgq_node.node_location l
     where l.queue_name = i_queue_name and l.node_name = i_node_name;
    if found then
        ret_code := 200;
        ret_note := 'Ok';
    else
        ret_code := 301;
        ret_note := 'Location not found: ' || i_queue_name || '/' || i_node_name;
    end if;

    if v_type = 'root' then
        perform pgq.insert_event(i_queue_name, 'pgq.unregister-location', i_node_name,
                                 i_queue_name, null, null, null);
    end if;
end;
$$;

create or replace function pgq_node.get_queue_locations(i_queue_name text,
    out node_name text, out node_location text, out dead boolean)
returns setof record language sql security definer set search_path = pg_catalog, pg_temp as $$
    select l.node_name, l.node_location, l.dead
      from pgq_node.node_location l
     where l.queue_name = i_queue_name
     order by l.node_name
$$;
