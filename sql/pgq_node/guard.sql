-- pgq_node keeps its queues in pgq and points foreign keys at pgq.consumer, so PgQ must be
-- there first (ours or Skytools'). A pgq_node that is not ours (Skytools' extension or its
-- plain SQL) holds a cascade's member map and positions: it is used as it is, never replaced.
do $guard$
declare
    v_ext text;
begin
    if not exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq')
       or pg_catalog.to_regprocedure('pgq.register_consumer_at(text,text,bigint)') is null
    then
        raise exception 'pgq_node: PgQ is missing (no schema pgq with pgq.register_consumer_at); install PgQ first (sql/pgq/install.sql)'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_admin') then
        raise exception 'pgq_node: role pgq_admin is missing; install PgQ first (sql/pgq/install.sql)'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    select extversion into v_ext from pg_catalog.pg_extension where extname = 'pgq_node';
    if found then
        raise exception 'pgq_node: this database already has Skytools pgq_node % installed as an extension; camel-skytools uses it as it is and will not install over it', v_ext
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq_node')
       and not exists (select 1 from pg_catalog.pg_proc p
                         join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'pgq_node' and p.proname = 'camel_skytools_version')
    then
        raise exception 'pgq_node: schema pgq_node already exists and was not installed by camel-skytools (Skytools pgq_node from plain SQL?); it is used as it is and will not be replaced'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
end
$guard$;
