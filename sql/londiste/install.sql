-- camel-skytools londiste (replication support, API of Skytools londiste-sql 3.8): installs
-- the londiste schema, or upgrades an earlier install of ours in place (table states kept).
-- Needs PgQ and pgq_node first.
--   psql -v ON_ERROR_STOP=1 -f sql/pgq/install.sql
--   psql -v ON_ERROR_STOP=1 -f sql/pgq_node/install.sql
--   psql -v ON_ERROR_STOP=1 -f sql/londiste/install.sql
-- The Java installer reads this same file: it understands only the \ir lines below,
-- so keep everything else plain SQL.
begin;
\ir guard.sql
\ir tables.sql
\ir util.sql
\ir info.sql
\ir triggers.sql
\ir table_admin.sql
\ir seqs.sql
\ir fkeys.sql
\ir execute.sql
\ir partitions.sql
\ir finish.sql
\ir grants.sql
commit;
