-- Cooperative consumers: several subconsumers share one pgq consumer, each batch of the
-- consumer going to exactly one of them. A subconsumer is an ordinary pgq subscription
-- named "<consumer>.<subconsumer>" that carries the consumer's sub_id (so the consumer's
-- retry events reach all of them); its ticks are NULL when idle and hold its batch's
-- ticks while it works. The consumer's own row keeps the queue position.
create schema if not exists pgq_coop;

create or replace function pgq_coop.version()
returns text language sql immutable as $$ select '3.4'::text $$;

-- Marks this pgq_coop schema as ours; the installer uses it to tell ours from Skytools'.
create or replace function pgq_coop.camel_skytools_version()
returns text language sql immutable as $$ select '0.1.0'::text $$;
