-- londiste keeps its tables per cascaded queue (foreign keys to pgq_node.node_info) and
-- writes events through pgq, so both must be there first (ours or Skytools'). A londiste
-- that is not ours (Skytools' extension or its plain SQL) holds table states: it is used
-- as it is, never replaced.
do $guard$
declare
    v_ext text;
begin
    if pg_catalog.to_regprocedure('pgq.insert_event(text,text,text,text,text,text,text)') is null then
        raise exception 'londiste: PgQ is missing (no function pgq.insert_event); install PgQ first (sql/pgq/install.sql)'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if pg_catalog.to_regclass('pgq_node.node_info') is null
       or pg_catalog.to_regprocedure('pgq_node.get_node_info(text)') is null
    then
        raise exception 'londiste: pgq_node is missing (no table pgq_node.node_info); install pgq_node first (sql/pgq_node/install.sql)'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    select extversion into v_ext from pg_catalog.pg_extension where extname = 'londiste';
    if found then
        raise exception 'londiste: this database already has Skytools londiste % installed as an extension; camel-skytools uses it as it is and will not install over it', v_ext
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if exists (select 1 from pg_catalog.pg_namespace where nspname = 'londiste')
       and pg_catalog.to_regprocedure('londiste.camel_skytools_version()') is null
    then
        raise exception 'londiste: schema londiste already exists and was not installed by camel-skytools (Skytools londiste from plain SQL?); it is used as it is and will not be replaced'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
end
$guard$;
