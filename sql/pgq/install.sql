-- camel-skytools PgQ: installs the pgq schema, or upgrades an earlier install of ours in place.
--   psql -v ON_ERROR_STOP=1 -f sql/pgq/install.sql
-- The Java installer (camel-pgq SchemaInstaller) reads this same file: it understands only
-- the \ir lines below, so keep everything else plain SQL.
begin;
\ir guard.sql
\ir tables.sql
\ir util.sql
\ir queue_admin.sql
\ir produce.sql
\ir consume.sql
\ir ticker.sql
\ir maint.sql
\ir info.sql
\ir triggers.sql
\ir grants.sql
\ir finish.sql
commit;
