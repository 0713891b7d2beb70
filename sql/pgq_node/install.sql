-- camel-skytools pgq_node (cascaded queues, API of Skytools pgq_node 3.5): installs the
-- pgq_node schema, or upgrades an earlier install of ours in place. Needs PgQ first.
--   psql -v ON_ERROR_STOP=1 -f sql/pgq/install.sql
--   psql -v ON_ERROR_STOP=1 -f sql/pgq_node/install.sql
-- The Java installer reads this same file: it understands only the \ir lines below,
-- so keep everything else plain SQL.
begin;
\ir guard.sql
\ir tables.sql
\ir util.sql
\ir locations.sql
\ir node.sql
\ir provider.sql
\ir worker.sql
\ir consumer.sql
\ir grants.sql
\ir finish.sql
commit;
