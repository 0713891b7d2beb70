-- The provider side: nodes that read from this one (its subscribers) register here and
-- report their watermark. Called remotely, by a subscriber's worker or admin tool.

-- Subscribe a node: its worker becomes a consumer of the local queue at i_custom_tick_id
-- (at the global watermark when NULL), and ".<node>.watermark" starts at the global
-- watermark. Only a root or a branch can be a provider (401). 200 with the global
-- watermark; 404 no node here.
create or replace function pgq_node.register_subscriber(i_queue_name text, i_remote_node_name text,
    i_remote_worker_name text, i_custom_tick_id int8,
    out ret_code int4, out ret_note text, out global_watermark bigint)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_type text;
    v_wm_name text := '.' || i_remote_node_name || '.watermark';
begin
    -- the lock makes subscribing wait for a promote or demote in progress
    select n.node_type into v_type
      from pgq_node.node_info n where n.queue_name = i_queue_name
       for update;
    if not found then
        ret_code := 404;
        ret_note := 'Unknown queue: ' || i_queue_name;
        return;
    end if;
    select c.last_tick into register_subscriber.global_watermark
      from pgq.get_consumer_info(i_queue_name, '.global_watermark') c;
    if v_type not in ('root', 'branch') then
        ret_code := 401;
        ret_note := 'Cannot subscribe to ' || v_type || ' node';
        return;
    end if;

    perform pgq.register_consumer_at(i_queue_name, v_wm_name, register_subscriber.global_watermark);
    perform pgq.register_consumer_at(i_queue_name, i_remote_worker_name,
                                     coalesce(i_custom_tick_id, register_subscriber.global_watermark));
    insert into pgq_node.subscriber_info (queue_name, subscriber_node, worker_name, watermark_name)
        values (i_queue_name, i_remote_node_name, i_remote_worker_name, v_wm_name);

    ret_code := 200;
    ret_note := 'Subscriber registered: ' || i_remote_node_name;
end;
$$;

-- Forget a subscriber and drop both of its consumers here. 200, or 304 when it was not
-- subscribed.
create or replace function pgq_node.unregister_subscriber(i_queue_name text, i_remote_node_name text,
    out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_sub record;
begin
    delete from pgq_node.subscriber_info s
     where s.queue_name = i_queue_name and s.subscriber_node = i_remote_node_name
    returning s.worker_name, s.watermark_name into v_sub;
    if not found then
        ret_code := 304;
        ret_note := 'Subscriber not found';
        return;
    end if;

    perform pgq.unregister_consumer(i_queue_name, '.' || i_remote_node_name || '.watermark');
    perform pgq.unregister_consumer(i_queue_name, v_sub.worker_name);

    ret_code := 200;
    ret_note := 'Subscriber unregistered: ' || i_remote_node_name;
end;
$$;

-- A subscriber reports the oldest tick its subtree still needs: ".<node>.watermark"
-- moves forward to it. 200 moved; 100 already there; 405 backwards (refused);
-- 404 not subscribed.
create or replace function pgq_node.set_subscriber_watermark(i_queue_name text, i_node_name text,
    i_watermark bigint, out ret_code int4, out ret_note text)
returns record language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    v_wm_name text := '.' || i_node_name || '.watermark';
    v_current bigint;
begin
    select c.last_tick into v_current
      from pgq.get_consumer_info(i_queue_name, v_wm_name) c;
    if not found then
        -- the text ends in "queue " without the name, as Skytools' does
        ret_code := 404;
        ret_note := 'node ' || i_node_name || ' not subscribed to queue ';
        return;
    elsif i_watermark < v_current then
        ret_code := 405;
        ret_note := 'watermark must not be moved backwards';
        return;
    elsif i_watermark = v_current then
        ret_code := 100;
        ret_note := 'watermark already set';
        return;
    end if;

    perform pgq.register_consumer_at(i_queue_name, v_wm_name, i_watermark);
    ret_code := 200;
    ret_note := v_wm_name || ' set to ' || i_watermark::text;
end;
$$;

-- The nodes reading from this one, with the watermark each last reported.
create or replace function pgq_node.get_subscriber_info(i_queue_name text,
    out node_name text, out worker_name text, out node_watermark int8)
returns setof record language sql security definer set search_path = pg_catalog, pg_temp as $$
    select s.subscriber_node, s.worker_name,
           (select c.last_tick from pgq.get_consumer_info(s.queue_name, s.watermark_name) c)
      from pgq_node.subscriber_info s
     where s.queue_name = i_queue_name
     order by s.subscriber_node
$$;
