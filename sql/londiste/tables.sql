-- londiste tables. Names, columns, keys and constraint names are the Skytools contract:
-- londiste3 reads and writes them, and constraint errors name them.
--
-- Events londiste writes into a cascade's queue (on the root):
--   I:<pkeys> U:.. D:..  / I U D / JSON   row changes, from pgq.logutriga / sqltriga / jsontriga
--   R                    truncate (pgq.sqltriga on the statement trigger)
--   EXECUTE              ev_data sql, extra1 file name, extra2 urlencoded attributes
--   londiste.add-table / londiste.remove-table    ev_data table name
--   londiste.update-seq  ev_data value, extra1 sequence name
--   londiste.remove-seq  ev_data sequence name
create schema if not exists londiste;

-- Tables of each queue. A row with local = false is only known (registered on the root);
-- local = true means this node replicates it, merge_state saying how far the copy is:
--   NULL (copy to do), in-copy, catching-up, wanna-sync:<tick>, do-sync:<tick>, ok.
create table if not exists londiste.table_info (
    nr                  serial not null,        -- display and processing order
    queue_name          text not null,
    table_name          text not null,          -- the queue's (global) name, schema.table
    local               boolean not null default false,
    merge_state         text,
    custom_snapshot     text,                   -- snapshot of the COPY: events visible in it are skipped
    dropped_ddl         text,                   -- DDL dropped for a partition-merge copy, to be run again
    table_attrs         text,                   -- urlencoded: handler=..., copy_node=..., skip_truncate=1
    dest_table          text,                   -- local table when it differs from table_name
    constraint table_info_pkey primary key (queue_name, table_name),
    constraint table_info_queue_name_fkey foreign key (queue_name)
        references pgq_node.node_info (queue_name) on delete cascade,
    constraint table_info_check
        check (dropped_ddl is null or merge_state in ('in-copy', 'catching-up'))
);

-- Sequences of each queue; last_value is the last value the root published.
create table if not exists londiste.seq_info (
    nr                  serial not null,
    queue_name          text not null,
    seq_name            text not null,
    local               boolean not null default false,
    last_value          int8 not null,
    constraint seq_info_pkey primary key (queue_name, seq_name),
    constraint seq_info_queue_name_fkey foreign key (queue_name)
        references pgq_node.node_info (queue_name) on delete cascade
);

-- EXECUTE scripts applied in this database, keyed by file name across all queues.
create table if not exists londiste.applied_execute (
    queue_name          text not null,
    execute_file        text not null,
    execute_time        timestamptz not null default now(),
    execute_sql         text not null,
    execute_attrs       text,
    constraint applied_execute_pkey primary key (execute_file)
);

-- Foreign keys dropped for a copy, each with the statement that adds it back.
create table if not exists londiste.pending_fkeys (
    from_table          text not null,
    to_table            text not null,
    fkey_name           text not null,
    fkey_def            text not null,
    constraint pending_fkeys_pkey primary key (from_table, fkey_name)
);
