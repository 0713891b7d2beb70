-- camel-skytools pgq_coop (cooperative consumers, API of Skytools pgq_coop 3.4): installs
-- the pgq_coop schema, or upgrades an earlier install of ours in place. Needs our pgq first.
--   psql -v ON_ERROR_STOP=1 -f sql/pgq/install.sql
--   psql -v ON_ERROR_STOP=1 -f sql/pgq_coop/install.sql
-- The Java installer reads this same file: it understands only the \ir lines below,
-- so keep everything else plain SQL.
begin;
\ir guard.sql
\ir util.sql
\ir subconsumer.sql
\ir batch.sql
\ir grants.sql
commit;
