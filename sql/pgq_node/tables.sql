-- pgq_node tables. Names, columns, keys and constraint names are the Skytools contract:
-- londiste and the admin tools read them, and constraint errors name them.
--
-- A cascade ("set") is one queue copied to several databases (nodes) with the same event
-- ids, tick ids and batches, so that any node can read from any other. Events the
-- cascade writes into its own queue:
--   pgq.location-info        ev_data node, extra1 queue, extra2 connect string, extra3 dead ('true'/'false')
--   pgq.unregister-location  ev_data node, extra1 queue
--   pgq.global-watermark     ev_data tick id, extra1 queue
--   pgq.tick-id              ev_data tick id, extra1 partition queue (written by merge-leaf workers)
create schema if not exists pgq_node;

-- Every member of the cascade and how to reach it (a libpq connect string); the same
-- list on every node.
create table if not exists pgq_node.node_location (
    queue_name      text not null,
    node_name       text not null,
    node_location   text not null,
    dead            boolean not null default false,
    constraint node_location_pkey primary key (queue_name, node_name)
);

-- This database's own node for a queue: root (events are made and ticked here), branch
-- (a full copy, ticks come from the provider) or leaf (no copy of the queue; a leaf with
-- combined_queue feeds that queue of this database).
create table if not exists pgq_node.node_info (
    queue_name      text not null,
    node_type       text not null,
    node_name       text not null,
    worker_name     text,                   -- the consumer that keeps this node up to date
    combined_queue  text,                   -- merge-leaf only
    node_attrs      text,                   -- urlencoded settings for the worker (sync_watermark=...)
    constraint node_info_pkey primary key (queue_name),
    constraint node_info_queue_name_node_name_fkey foreign key (queue_name, node_name)
        references pgq_node.node_location (queue_name, node_name),
    constraint node_info_node_type_check check (node_type in ('root', 'branch', 'leaf')),
    -- every node has a worker; only a leaf may point at a combined queue
    constraint node_info_check check (worker_name is not null
                                      and (combined_queue is null or node_type = 'leaf'))
);

-- Cascaded consumers that write into this node (the worker and any others): where they
-- read from and the last tick they committed here.
create table if not exists pgq_node.local_state (
    queue_name      text not null,
    consumer_name   text not null,
    provider_node   text not null,
    last_tick_id    bigint not null,
    cur_error       text,                   -- why the last batch failed
    paused          boolean not null default false,
    uptodate        boolean not null default false,   -- the consumer has seen its latest settings
    constraint local_state_pkey primary key (queue_name, consumer_name),
    constraint local_state_queue_name_fkey foreign key (queue_name)
        references pgq_node.node_info (queue_name),
    constraint local_state_queue_name_provider_node_fkey foreign key (queue_name, provider_node)
        references pgq_node.node_location (queue_name, node_name)
);

-- Nodes that read from this one. Both names are pgq consumers of the local queue: the
-- subscriber's worker, and ".<node>.watermark", which holds the subscriber's watermark.
create table if not exists pgq_node.subscriber_info (
    queue_name          text not null,
    subscriber_node     text not null,
    worker_name         text not null,
    watermark_name      text not null,
    constraint subscriber_info_pkey primary key (queue_name, subscriber_node),
    constraint subscriber_info_queue_name_fkey foreign key (queue_name)
        references pgq_node.node_info (queue_name),
    constraint subscriber_info_queue_name_subscriber_node_fkey foreign key (queue_name, subscriber_node)
        references pgq_node.node_location (queue_name, node_name),
    constraint subscriber_info_worker_name_fkey foreign key (worker_name)
        references pgq.consumer (co_name),
    constraint subscriber_info_watermark_name_fkey foreign key (watermark_name)
        references pgq.consumer (co_name)
);
