-- camel-skytools pgq_ext: installs the pgq_ext schema in a consumer's target database,
-- or upgrades an earlier install of ours in place. pgq itself is not needed there.
--   psql -v ON_ERROR_STOP=1 -f sql/pgq_ext/install.sql
-- The Java installer reads this same file: it understands only the \ir lines below,
-- so keep everything else plain SQL.
begin;
\ir guard.sql
\ir tables.sql
\ir util.sql
\ir track_tick.sql
\ir track_batch.sql
\ir track_event.sql
\ir grants.sql
\ir finish.sql
commit;
