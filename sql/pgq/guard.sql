-- Refuse to install over a PgQ that is not ours: a database that runs Skytools PgQ
-- (extension or plain SQL) is used as it is, never replaced.
do $guard$
declare
    v_ext text;
begin
    select extversion into v_ext from pg_catalog.pg_extension where extname = 'pgq';
    if found then
        raise exception 'pgq: this database already has Skytools PgQ % installed as an extension; camel-skytools uses it as it is and will not install over it', v_ext
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq')
       and not exists (select 1 from pg_catalog.pg_proc p
                         join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'pgq' and p.proname = 'camel_skytools_version')
    then
        raise exception 'pgq: schema pgq already exists and was not installed by camel-skytools (Skytools PgQ from plain SQL?); it is used as it is and will not be replaced'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
end
$guard$;
