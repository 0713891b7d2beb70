-- Privileges as Skytools' own install leaves them: everyone may use the schema and call
-- the functions (consumers write here under whatever role the target database gives
-- them); the tables are reached only through the security definer functions. Function
-- privileges other than the version ones are left alone, so a re-install keeps whatever
-- an administrator narrowed them to.
grant usage on schema pgq_ext to public;

grant execute on function pgq_ext.version(), pgq_ext.camel_skytools_version() to public;
