-- pgq_ext tables. Names, columns and keys are the Skytools contract: consumers may read
-- them directly. Every row belongs to one (consumer_id, subconsumer_id); consumers that
-- have no subconsumers use ''.
create schema if not exists pgq_ext;

-- Last tick applied per consumer (SerialConsumer, cascaded consumers).
create table if not exists pgq_ext.completed_tick (
    consumer_id     text not null,
    subconsumer_id  text not null default '',
    last_tick_id    bigint not null,
    constraint completed_tick_pkey primary key (consumer_id, subconsumer_id)
);

-- Last batch applied per consumer (RemoteConsumer). Batches arrive in order, so the
-- latest one is all that needs remembering.
create table if not exists pgq_ext.completed_batch (
    consumer_id     text not null,
    subconsumer_id  text not null default '',
    last_batch_id   bigint not null,
    constraint completed_batch_pkey primary key (consumer_id, subconsumer_id)
);

-- Events already applied, only for the batch that is still in progress (partial_batch).
create table if not exists pgq_ext.completed_event (
    consumer_id     text not null,
    subconsumer_id  text not null default '',
    batch_id        bigint not null,
    event_id        bigint not null,
    constraint completed_event_pkey primary key (consumer_id, subconsumer_id, batch_id, event_id)
);

-- The batch whose events completed_event currently tracks.
create table if not exists pgq_ext.partial_batch (
    consumer_id     text not null,
    subconsumer_id  text not null default '',
    cur_batch_id    bigint not null,
    constraint partial_batch_pkey primary key (consumer_id, subconsumer_id)
);
