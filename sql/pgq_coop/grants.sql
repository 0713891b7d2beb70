-- Privileges, as Skytools grants them: everything to pgq_reader, the version to everyone.
revoke all on all functions in schema pgq_coop from public;

grant usage on schema pgq_coop to public;

grant execute on function pgq_coop.version(), pgq_coop.camel_skytools_version() to public;

grant execute on function
    pgq_coop.register_subconsumer(text, text, text),
    pgq_coop.unregister_subconsumer(text, text, text, integer),
    pgq_coop.next_batch(text, text, text),
    pgq_coop.next_batch(text, text, text, interval),
    pgq_coop.next_batch_custom(text, text, text, interval, int4, interval),
    pgq_coop.next_batch_custom(text, text, text, interval, int4, interval, interval),
    pgq_coop.finish_batch(bigint),
    pgq_coop.version(),
    pgq_coop.camel_skytools_version()
  to pgq_reader;
