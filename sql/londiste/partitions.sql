-- Time partitions for the dispatch handlers: children of a parent table named
-- <parent>_YYYY, _YYYY_MM, _YYYY_MM_DD or _YYYY_MM_DD_HH24.

-- Create the partition i_part of i_table, if it is not there: the parent's columns,
-- defaults, constraints and indexes, inheriting from it and owned by its owner, a range
-- check on i_part_field for the period holding i_part_time, the parent's grants, triggers
-- (enabled the same way) and rules. 1 when created, 0 when it existed.
create or replace function londiste.create_partition(i_table text, i_part text, i_pkeys text,
    i_part_field text, i_part_time timestamptz, i_part_period text)
returns int language plpgsql as $$
declare
    v_parent text;
    v_part text;
    v_part_name record;
    v_parent_oid oid;
    v_owner name;
    v_start timestamptz;
    v_end timestamptz;
    v_grant record;
    v_trg record;
    v_rule record;
    v_def text;
    v_from text;
    v_pos int4;
begin
    if i_table is null or i_part is null then
        raise exception 'need table and part';
    end if;
    v_parent := londiste.quote_fqname(i_table);
    v_part := londiste.quote_fqname(i_part);
    select * into v_part_name from londiste.split_fqname(i_part);

    -- one creator at a time (handlers of several part queues may race for the same child)
    lock table londiste.table_info in share update exclusive mode;
    v_parent_oid := v_parent::regclass;
    if exists (select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                where n.nspname = v_part_name.schema_part and c.relname = v_part_name.name_part) then
        return 0;
    end if;

    execute pg_catalog.format('create table %s (like %s including all) inherits (%s)', v_part, v_parent, v_parent);
    select r.rolname into v_owner
      from pg_catalog.pg_class c join pg_catalog.pg_roles r on r.oid = c.relowner
     where c.oid = v_parent_oid;
    if v_owner <> current_user then
        execute pg_catalog.format('alter table %s owner to %I', v_part, v_owner);
    end if;

    if i_part_field <> '' then
        v_start := pg_catalog.date_trunc(i_part_period, i_part_time);
        v_end := v_start + ('1 ' || i_part_period)::interval;
        execute pg_catalog.format('alter table %s add check (%I >= %L and %I < %L)', v_part,
            i_part_field, pg_catalog.to_char(v_start, 'YYYY-MM-DD HH24:MI:SS'),
            i_part_field, pg_catalog.to_char(v_end, 'YYYY-MM-DD HH24:MI:SS'));
    end if;

    for v_grant in
        -- the owner holds its privileges with grant option, and the child's owner gets them so
        select a.grantee, a.privilege_type, a.is_grantable or a.grantee = c.relowner as is_grantable
          from pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
         where c.oid = v_parent_oid
    loop
        execute pg_catalog.format('grant %s on %s to %s%s', v_grant.privilege_type, v_part,
            case when v_grant.grantee = 0 then 'public'
                 else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_grant.grantee)) end,
            case when v_grant.is_grantable then ' with grant option' else '' end);
    end loop;

    -- the parent's definitions, with the parent's name (as they print it) replaced
    for v_trg in
        select t.tgname, t.tgenabled, pg_catalog.pg_get_triggerdef(t.oid) as def
          from pg_catalog.pg_trigger t
         where t.tgrelid = v_parent_oid and not t.tgisinternal
         order by t.tgname
    loop
        v_from := ' ON ' || v_parent || ' ';
        v_pos := pg_catalog.strpos(v_trg.def, v_from);
        if v_pos = 0 then
            raise exception 'Failed to reconstruct the trigger: %', v_trg.def;
        end if;
        execute overlay(v_trg.def placing ' ON ' || v_part || ' ' from v_pos for length(v_from));
        if v_trg.tgenabled <> 'O' then
            execute pg_catalog.format('alter table %s %s trigger %I', v_part,
                case v_trg.tgenabled when 'D' then 'disable' when 'A' then 'enable always'
                                     when 'R' then 'enable replica' end, v_trg.tgname);
        end if;
    end loop;
    for v_rule in
        select r.rulename, r.ev_enabled, pg_catalog.pg_get_ruledef(r.oid) as def
          from pg_catalog.pg_rewrite r
         where r.ev_class = v_parent_oid and r.rulename <> '_RETURN'
         order by r.rulename
    loop
        -- "... AS ON <event> TO <parent>" then a space or a new line
        v_from := ' TO ' || v_parent;
        v_pos := greatest(pg_catalog.strpos(v_rule.def, v_from || ' '), pg_catalog.strpos(v_rule.def, v_from || E'\n'));
        if v_pos = 0 then
            raise exception 'failed to find original table name';
        end if;
        execute overlay(v_rule.def placing ' TO ' || v_part from v_pos for length(v_from));
        if v_rule.ev_enabled <> 'O' then
            execute pg_catalog.format('alter table %s %s rule %I', v_part,
                case v_rule.ev_enabled when 'D' then 'disable' when 'A' then 'enable always'
                                       when 'R' then 'enable replica' end, v_rule.rulename);
        end if;
    end loop;
    return 1;
end;
$$;

-- The name suffix of each period: a pattern and its to_char format.
create or replace function londiste._partition_suffix(i_period text, out pattern text, out fmt text)
language plpgsql immutable as $$
begin
    case
        when i_period in ('year', 'yearly') then
            pattern := '_[0-9]{4}'; fmt := '_YYYY';
        when i_period in ('month', 'monthly') then
            pattern := '_[0-9]{4}_[0-9]{2}'; fmt := '_YYYY_MM';
        when i_period in ('day', 'daily') then
            pattern := '_[0-9]{4}_[0-9]{2}_[0-9]{2}'; fmt := '_YYYY_MM_DD';
        when i_period in ('hour', 'hourly') then
            pattern := '_[0-9]{4}_[0-9]{2}_[0-9]{2}_[0-9]{2}'; fmt := '_YYYY_MM_DD_HH24';
        else
            raise exception 'not supported i_partition_period: %', i_period;
    end case;
end;
$$;

-- Is this partition older than the retention period? NULL when its name has no suffix
-- of the period.
create or replace function londiste.is_obsolete_partition(in i_partition_table text,
    in i_retention_period interval, in i_partition_period text)
returns boolean language plpgsql as $$
declare
    v_sfx record;
    v_base text;
begin
    select * into v_sfx from londiste._partition_suffix(i_partition_period);
    v_base := substring(i_partition_table from '^(.+)' || v_sfx.pattern || '$');
    if v_base is null then
        return null;
    end if;
    return i_partition_table < v_base || pg_catalog.to_char(pg_catalog.now() - i_retention_period, v_sfx.fmt);
end;
$$;

-- The partitions of a parent ("schema.table", or "table" in public) older than the
-- retention period, as quoted names.
create or replace function londiste.list_obsolete_partitions(in i_parent_table text,
    in i_retention_period interval, in i_partition_period text)
returns setof text language plpgsql as $$
declare
    v_sfx record;
    v_schema text := pg_catalog.split_part(i_parent_table, '.', 1);
    v_table text := pg_catalog.split_part(i_parent_table, '.', 2);
begin
    select * into v_sfx from londiste._partition_suffix(i_partition_period);
    if v_table = '' then
        v_table := v_schema;
        v_schema := 'public';
    end if;
    -- the parent's name is compared as text, never used as a pattern
    return query
        select pg_catalog.quote_ident(t.schemaname) || '.' || pg_catalog.quote_ident(t.tablename)
          from pg_catalog.pg_tables t
         where t.schemaname = v_schema
           and pg_catalog.left(t.tablename, length(v_table)) = v_table
           and pg_catalog.substr(t.tablename, length(v_table) + 1) ~ ('^' || v_sfx.pattern || '$')
           and t.tablename < v_table || pg_catalog.to_char(pg_catalog.now() - i_retention_period, v_sfx.fmt)
         order by 1;
end;
$$;

-- Drop them; returns the names dropped.
create or replace function londiste.drop_obsolete_partitions(in i_parent_table text,
    in i_retention_period interval, in i_partition_period text)
returns setof text language plpgsql as $$
declare
    v_part text;
begin
    for v_part in
        select p from londiste.list_obsolete_partitions(i_parent_table, i_retention_period, i_partition_period) p
    loop
        execute 'drop table ' || v_part;
        return next v_part;
    end loop;
end;
$$;
