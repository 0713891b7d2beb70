-- pgq_coop works on pgq's tables, so pgq must be there first; and a pgq_coop that is not
-- ours (Skytools' extension or plain SQL) is used as it is, never replaced.
do $guard$
declare
    v_ext text;
begin
    if not exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq') then
        raise exception 'pgq_coop: schema pgq is missing; install PgQ first (sql/pgq/install.sql)'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if not exists (select 1 from pg_catalog.pg_roles where rolname = 'pgq_reader') then
        raise exception 'pgq_coop: role pgq_reader is missing; install PgQ first (sql/pgq/install.sql)'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    select extversion into v_ext from pg_catalog.pg_extension where extname = 'pgq_coop';
    if found then
        raise exception 'pgq_coop: this database already has Skytools pgq_coop % installed as an extension; camel-skytools uses it as it is and will not install over it', v_ext
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq_coop')
       and not exists (select 1 from pg_catalog.pg_proc p
                         join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'pgq_coop' and p.proname = 'camel_skytools_version')
    then
        raise exception 'pgq_coop: schema pgq_coop already exists and was not installed by camel-skytools (Skytools pgq_coop from plain SQL?); it is used as it is and will not be replaced'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
end
$guard$;
