-- Version functions and the schema upgrade entry point.

-- The pgq_ext version consumers and admin tools see: Skytools' current one.
create or replace function pgq_ext.version()
returns text language sql immutable as $$ select '3.1'::text $$;

-- Marks this pgq_ext schema as ours; the installer uses it to tell ours from Skytools'.
create or replace function pgq_ext.camel_skytools_version()
returns text language sql immutable as $$ select '0.1.0'::text $$;

-- Bring tables from before subconsumers (pgq_ext 3.0) up to date: add subconsumer_id
-- (existing rows get ''), widen the primary key with it, and make '' its default.
-- Returns how many changes it made, counting the column and its default separately as
-- Skytools does; 0 when there was nothing to do.
create or replace function pgq_ext.upgrade_schema()
returns int4 language plpgsql as $$
declare
    v_cnt int4 := 0;
    v_tbl text;
    v_rel regclass;
    v_pk name;
begin
    foreach v_tbl in array array['completed_batch', 'completed_tick', 'partial_batch', 'completed_event']
    loop
        v_rel := pg_catalog.to_regclass('pgq_ext.' || v_tbl);
        continue when v_rel is null;

        if not exists (select 1 from pg_catalog.pg_attribute
                        where attrelid = v_rel and attname = 'subconsumer_id' and not attisdropped)
        then
            execute format('alter table pgq_ext.%I add column subconsumer_id text not null default %L',
                           v_tbl, '');
            select conname into v_pk from pg_catalog.pg_constraint
             where conrelid = v_rel and contype = 'p';
            if found then
                execute format('alter table pgq_ext.%I drop constraint %I', v_tbl, v_pk);
            end if;
            execute format('alter table pgq_ext.%I add constraint %I primary key (%s)',
                           v_tbl, v_tbl || '_pkey',
                           case when v_tbl = 'completed_event'
                                then 'consumer_id, subconsumer_id, batch_id, event_id'
                                else 'consumer_id, subconsumer_id' end);
            v_cnt := v_cnt + 2;
        elsif not exists (select 1 from pg_catalog.pg_attribute a
                            join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                           where a.attrelid = v_rel and a.attname = 'subconsumer_id')
        then
            execute format('alter table pgq_ext.%I alter column subconsumer_id set default %L', v_tbl, '');
            v_cnt := v_cnt + 1;
        end if;
    end loop;
    return v_cnt;
end;
$$;
