-- Refuse to install over a pgq_ext that is not ours: Skytools' own pgq_ext (extension or
-- plain SQL) already records what its consumers applied, and replacing it could lose that.
do $guard$
declare
    v_ext text;
begin
    select extversion into v_ext from pg_catalog.pg_extension where extname = 'pgq_ext';
    if found then
        raise exception 'pgq_ext: this database already has Skytools pgq_ext % installed as an extension; camel-skytools uses it as it is and will not install over it', v_ext
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq_ext')
       and not exists (select 1 from pg_catalog.pg_proc p
                         join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'pgq_ext' and p.proname = 'camel_skytools_version')
    then
        raise exception 'pgq_ext: schema pgq_ext already exists and was not installed by camel-skytools (Skytools pgq_ext from plain SQL?); it is used as it is and will not be replaced'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
end
$guard$;
