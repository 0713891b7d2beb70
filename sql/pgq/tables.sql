-- PgQ meta tables. Names, columns and defaults are the public Skytools 3 contract:
-- clients (pgqd, python-pgq, londiste) read them directly.
create schema if not exists pgq;

-- Roles are cluster-wide: create them only where missing.
do $roles$
begin
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_reader') then
        create role pgq_reader;
    end if;
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_writer') then
        create role pgq_writer;
    end if;
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_admin') then
        create role pgq_admin in role pgq_reader, pgq_writer;
    end if;
end
$roles$;

create table if not exists pgq.consumer (
    co_id       serial,
    co_name     text not null,
    constraint consumer_pkey primary key (co_id),
    constraint consumer_name_uq unique (co_name)
);

create table if not exists pgq.queue (
    queue_id serial,                    -- data tables are named after it
    queue_name text not null,
    -- rotation: writers use table queue_cur_table of queue_ntables
    queue_ntables integer not null default 3,
    queue_cur_table integer not null default 0,
    queue_rotation_period interval not null default '2 hours',
    queue_switch_step1 bigint not null default txid_current(),   -- txid of the last rotation
    queue_switch_step2 bigint default txid_current(),            -- NULL while a rotation is in flight
    queue_switch_time timestamptz not null default now(),
    -- switches
    queue_external_ticker boolean not null default false,        -- ticks come from a provider (cascading)
    queue_disable_insert boolean not null default false,         -- only session_replication_role=replica may insert
    queue_ticker_paused boolean not null default false,
    -- when the ticker ticks
    queue_ticker_max_count integer not null default 500,
    queue_ticker_max_lag interval not null default '3 seconds',
    queue_ticker_idle_period interval not null default '1 minute',
    queue_per_tx_limit integer,                                  -- most events per transaction, NULL = no limit
    -- where the data is
    queue_data_pfx text not null,
    queue_event_seq text not null,
    queue_tick_seq text not null,
    queue_extra_maint text[],                                    -- more maintenance functions, called with the queue name
    constraint queue_pkey primary key (queue_id),
    constraint queue_name_uq unique (queue_name)
);

-- A tick is a named snapshot; a batch is the interval between two ticks.
create table if not exists pgq.tick (
    tick_queue      int4          not null,
    tick_id         bigint        not null,
    tick_time       timestamptz   not null default now(),
    tick_snapshot   txid_snapshot not null default txid_current_snapshot(),
    tick_event_seq  bigint        not null,
    constraint tick_pkey primary key (tick_queue, tick_id),
    constraint tick_queue_fkey foreign key (tick_queue) references pgq.queue (queue_id)
);

create sequence if not exists pgq.batch_id_seq;

-- sub_id is deliberately not unique: coop subconsumers share their parent's sub_id.
create table if not exists pgq.subscription (
    sub_id serial not null,                     -- owner of the consumer's retry events
    sub_queue int4 not null,
    sub_consumer int4 not null,
    sub_last_tick bigint,                       -- position: the batch starts after this tick
    sub_active timestamptz not null default now(),
    sub_batch bigint,                           -- the open batch, if any
    sub_next_tick bigint,                       -- and the tick it ends at
    constraint subscription_pkey primary key (sub_queue, sub_consumer),
    constraint subscription_batch_idx unique (sub_batch),
    constraint sub_queue_fkey foreign key (sub_queue) references pgq.queue (queue_id),
    constraint sub_consumer_fkey foreign key (sub_consumer) references pgq.consumer (co_id)
);

-- Parent of every queue's data tables; never holds rows itself.
create table if not exists pgq.event_template (
    ev_id bigint not null,                          -- from the queue's event sequence
    ev_time timestamptz not null,
    ev_txid bigint not null default txid_current(), -- the inserting top-level transaction
    ev_owner int4,                                  -- retried events: sub_id of their consumer
    ev_retry int4,                                  -- retried events: how many times
    ev_type text, ev_data text,
    ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text
);

create table if not exists pgq.retry_queue (
    ev_retry_after  timestamptz not null,
    ev_queue        int4        not null,
    like pgq.event_template,
    constraint rq_pkey primary key (ev_owner, ev_id),
    constraint rq_queue_id_fkey foreign key (ev_queue) references pgq.queue (queue_id)
);
-- retried events get a fresh txid when they are moved back into the queue
alter table pgq.retry_queue alter column ev_txid drop not null;
create index if not exists rq_retry_idx on pgq.retry_queue (ev_retry_after);
