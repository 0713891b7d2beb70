-- Names, relation lookups, versions, the schema upgrade and small helpers.
--
-- Names: londiste writes tables as "schema.name" (unquoted, split at the first dot; no dot
-- means public). The helpers below are the one place that splits and quotes them.

create or replace function londiste.split_fqname(in i_fqname text,
    out schema_part text, out name_part text)
language plpgsql strict immutable as $$
declare
    v_dot int4 := pg_catalog.strpos(i_fqname, '.');
begin
    if v_dot > 0 then
        schema_part := pg_catalog.substr(i_fqname, 1, v_dot - 1);
        name_part := pg_catalog.substr(i_fqname, v_dot + 1);
    else
        schema_part := 'public';
        name_part := i_fqname;
    end if;
end;
$$;

create or replace function londiste.make_fqname(i_name text)
returns text language plpgsql strict immutable as $$
begin
    if pg_catalog.strpos(i_name, '.') > 0 then
        return i_name;
    end if;
    return 'public.' || i_name;
end;
$$;

-- "schema.name" as an SQL identifier, each part quoted when it needs it.
create or replace function londiste.quote_fqname(i_name text)
returns text language plpgsql strict immutable as $$
declare
    v record;
begin
    select * into v from londiste.split_fqname(i_name);
    return pg_catalog.quote_ident(v.schema_part) || '.' || pg_catalog.quote_ident(v.name_part);
end;
$$;

-- The oid of the relation of that kind ('r' table, 'S' sequence), NULL when there is none.
create or replace function londiste.find_rel_oid(i_fqname text, i_kind text)
returns oid language plpgsql strict stable as $$
declare
    v_name record;
    v_oid oid;
begin
    select * into v_name from londiste.split_fqname(i_fqname);
    select c.oid into v_oid
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = v_name.schema_part and c.relname = v_name.name_part
       and c.relkind::text = i_kind;
    return v_oid;
end;
$$;

create or replace function londiste.find_table_oid(tbl text)
returns oid language plpgsql strict stable as $$
begin
    return londiste.find_rel_oid(tbl, 'r');
end;
$$;

create or replace function londiste.find_seq_oid(seq text)
returns oid language plpgsql strict stable as $$
begin
    return londiste.find_rel_oid(seq, 'S');
end;
$$;

-- One letter per live column in order: 'k' in the primary key, 'v' otherwise.
create or replace function londiste.find_column_types(tbl text)
returns text language plpgsql strict stable as $$
declare
    v_oid oid := londiste.find_table_oid(tbl);
    v_types text;
begin
    select pg_catalog.string_agg(
               case when exists (select 1 from pg_catalog.pg_index i
                                  where i.indrelid = v_oid and i.indisprimary
                                    and a.attnum = any (i.indkey::int2[]))
                    then 'k' else 'v' end, '' order by a.attnum)
      into v_types
      from pg_catalog.pg_attribute a
     where a.attrelid = v_oid and a.attnum > 0 and not a.attisdropped;
    return coalesce(v_types, '');
end;
$$;

-- True for the pgq trigger functions londiste puts on replicated tables.
create or replace function londiste.is_replica_func(func_oid oid)
returns boolean language sql strict stable as $$
    select exists (select 1 from pg_catalog.pg_proc f
                     join pg_catalog.pg_namespace n on n.oid = f.pronamespace
                    where f.oid = $1 and n.nspname = 'pgq'
                      and f.proname in ('logutriga', 'sqltriga', 'jsontriga'))
$$;

-- Skytools reports its extension version. Ours is never an extension, so the version is
-- fixed; londiste3 parses it as dot-separated integers and compares it with 3.7 (lazy,
-- NOT VALID restore of foreign keys from 3.7 on), see decisions.md.
create or replace function londiste.version()
returns text language plpgsql as $$
begin
    return '3.8';
end;
$$;

-- Marks this londiste schema as ours; the installer uses it to tell ours from Skytools'.
create or replace function londiste.camel_skytools_version()
returns text language sql immutable as $$ select '0.1.0'::text $$;

-- Session (or, with is_local, transaction) replication role for replay ('replica') and
-- EXECUTE ('local'). Runs as the owner because changing it needs superuser.
create or replace function londiste.set_session_replication_role(val text, is_local bool)
returns void language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    if val is null or val not in ('origin', 'replica', 'local') then
        raise exception 'bad value for session_replication_role';
    end if;
    -- the value is one of three literals checked above
    perform pg_catalog.set_config('session_replication_role', val, coalesce(is_local, false));
end;
$$;

-- Forget EXECUTE scripts applied more than three months ago.
create or replace function londiste.periodic_maintenance()
returns integer language plpgsql as $$
begin
    delete from londiste.applied_execute
     where execute_time < pg_catalog.now() - interval '3 months';
    return 0;
end;
$$;

create or replace function londiste._has_column(i_table regclass, i_column name)
returns boolean language sql stable as $$
    select exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = i_table and a.attname = i_column and not a.attisdropped)
$$;

-- Bring the tables of an older install up to date, create the trigger on table_info and
-- the two londiste roles. Like Skytools, it always returns 0.
create or replace function londiste.upgrade_schema()
returns int4 language plpgsql as $$
begin
    -- the dropped DDL check once allowed in-copy only
    if exists (select 1 from pg_catalog.pg_constraint
                where conrelid = 'londiste.table_info'::regclass and conname = 'table_info_check'
                  and pg_catalog.pg_get_constraintdef(oid) not like '%catching-up%')
    then
        alter table londiste.table_info drop constraint table_info_check;
        alter table londiste.table_info add constraint table_info_check
            check (dropped_ddl is null or merge_state in ('in-copy', 'catching-up'));
    end if;
    if not londiste._has_column('londiste.table_info', 'dest_table') then
        alter table londiste.table_info add column dest_table text;
    end if;
    if not londiste._has_column('londiste.applied_execute', 'execute_attrs') then
        alter table londiste.applied_execute add column execute_attrs text;
    end if;

    -- applied_execute was once keyed by (queue_name, execute_file) and tied to node_info
    if exists (select 1 from pg_catalog.pg_index i
                where i.indexrelid = to_regclass('londiste.applied_execute_pkey')
                  and i.indnatts <> 1)
    then
        alter table londiste.applied_execute drop constraint applied_execute_pkey;
        alter table londiste.applied_execute add constraint applied_execute_pkey primary key (execute_file);
    end if;
    if exists (select 1 from pg_catalog.pg_constraint
                where conrelid = 'londiste.applied_execute'::regclass and conname = 'applied_execute_queue_name_fkey')
    then
        alter table londiste.applied_execute drop constraint applied_execute_queue_name_fkey;
    end if;

    -- the trigger that drops a table's replication triggers with its row must run before
    -- the delete (older installs had it after)
    if exists (select 1 from pg_catalog.pg_trigger t
                where t.tgrelid = 'londiste.table_info'::regclass and t.tgname = 'table_info_trigger_sync'
                  and (t.tgtype & 2) = 0)
    then
        drop trigger table_info_trigger_sync on londiste.table_info;
    end if;
    if not exists (select 1 from pg_catalog.pg_trigger t
                    where t.tgrelid = 'londiste.table_info'::regclass and t.tgname = 'table_info_trigger_sync')
    then
        create trigger table_info_trigger_sync before delete on londiste.table_info
            for each row execute procedure londiste.table_info_trigger();
    end if;

    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'londiste_writer') then
        create role londiste_writer in role pgq_admin;
    end if;
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'londiste_reader') then
        create role londiste_reader in role pgq_reader;
    end if;
    return 0;
end;
$$;
