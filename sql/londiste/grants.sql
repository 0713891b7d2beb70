-- Privileges as Skytools grants them:
--   everyone: the name and relation helpers, version (and our marker); reading the tables;
--   londiste_reader (member of pgq_reader): the table and sequence lists;
--   londiste_writer (member of pgq_admin): everything the replay and admin tools call;
--   pgq_admin: changing the tables, maintenance and root_check_seqs (pgqd calls them).
-- local_change_handler is missing from Skytools' grant lists, so it keeps PostgreSQL's
-- default (everyone may call it); so does ours (compatibility.md).
revoke all on function
    londiste.get_seq_list(text), londiste.get_table_list(text), londiste._coordinate_copy(text, text),
    londiste.local_show_missing(text), londiste.local_add_seq(text, text),
    londiste.local_add_table(text, text, text[], text, text), londiste.local_add_table(text, text, text[], text),
    londiste.local_add_table(text, text, text[]), londiste.local_add_table(text, text),
    londiste.local_remove_seq(text, text), londiste.local_remove_table(text, text),
    londiste.global_add_table(text, text), londiste.global_remove_table(text, text),
    londiste.global_update_seq(text, text, int8), londiste.global_remove_seq(text, text),
    londiste.get_table_pending_fkeys(text), londiste.get_valid_pending_fkeys(text),
    londiste.drop_table_fkey(text, text), londiste.restore_table_fkey(text, text, boolean),
    londiste.execute_start(text, text, text, boolean), londiste.execute_start(text, text, text, boolean, text),
    londiste.execute_finish(text, text), londiste.root_notify_change(text, text, text),
    londiste.local_set_table_state(text, text, text, text), londiste.local_set_table_attrs(text, text, text),
    londiste.local_set_table_struct(text, text, text), londiste.drop_table_triggers(text, text),
    londiste.table_info_trigger(), londiste.create_partition(text, text, text, text, timestamptz, text),
    londiste.is_obsolete_partition(text, interval, text), londiste.list_obsolete_partitions(text, interval, text),
    londiste.drop_obsolete_partitions(text, interval, text), londiste.create_trigger(text, text, text[], text, text),
    londiste.periodic_maintenance(), londiste.set_session_replication_role(text, bool), londiste.upgrade_schema(),
    londiste.root_check_seqs(text), londiste.root_check_seqs(text, int8),
    londiste._partition_suffix(text), londiste._has_column(regclass, name)
  from public;

grant usage on schema londiste to public;

grant execute on function
    londiste.find_column_types(text), londiste.find_table_fkeys(text), londiste.find_rel_oid(text, text),
    londiste.find_table_oid(text), londiste.find_seq_oid(text), londiste.is_replica_func(oid),
    londiste.quote_fqname(text), londiste.make_fqname(text), londiste.split_fqname(text),
    londiste.version(), londiste.camel_skytools_version()
  to public;

grant execute on function
    londiste.get_seq_list(text), londiste.get_table_list(text), londiste._coordinate_copy(text, text)
  to londiste_writer, londiste_reader;

grant execute on function
    londiste.local_show_missing(text), londiste.local_add_seq(text, text),
    londiste.local_add_table(text, text, text[], text, text), londiste.local_add_table(text, text, text[], text),
    londiste.local_add_table(text, text, text[]), londiste.local_add_table(text, text),
    londiste.local_remove_seq(text, text), londiste.local_remove_table(text, text),
    londiste.global_add_table(text, text), londiste.global_remove_table(text, text),
    londiste.global_update_seq(text, text, int8), londiste.global_remove_seq(text, text),
    londiste.get_table_pending_fkeys(text), londiste.get_valid_pending_fkeys(text),
    londiste.drop_table_fkey(text, text), londiste.restore_table_fkey(text, text, boolean),
    londiste.execute_start(text, text, text, boolean), londiste.execute_start(text, text, text, boolean, text),
    londiste.execute_finish(text, text), londiste.root_notify_change(text, text, text),
    londiste.local_set_table_state(text, text, text, text), londiste.local_set_table_attrs(text, text, text),
    londiste.local_set_table_struct(text, text, text), londiste.drop_table_triggers(text, text),
    londiste.table_info_trigger(), londiste.create_partition(text, text, text, text, timestamptz, text),
    londiste.is_obsolete_partition(text, interval, text), londiste.list_obsolete_partitions(text, interval, text),
    londiste.drop_obsolete_partitions(text, interval, text), londiste.create_trigger(text, text, text[], text, text),
    londiste.periodic_maintenance(), londiste.set_session_replication_role(text, bool), londiste.upgrade_schema(),
    londiste.root_check_seqs(text), londiste.root_check_seqs(text, int8)
  to londiste_writer;

grant execute on function
    londiste.periodic_maintenance(), londiste.root_check_seqs(text), londiste.root_check_seqs(text, int8)
  to pgq_admin;

revoke all on table londiste.table_info, londiste.seq_info, londiste.pending_fkeys, londiste.applied_execute
  from public, londiste_reader, londiste_writer, pgq_admin;
grant select on table londiste.table_info, londiste.seq_info, londiste.pending_fkeys, londiste.applied_execute
  to public, londiste_reader;
grant select, insert, update, delete
  on table londiste.table_info, londiste.seq_info, londiste.pending_fkeys, londiste.applied_execute
  to pgq_admin;

revoke all on sequence londiste.table_info_nr_seq, londiste.seq_info_nr_seq from public;
grant usage on sequence londiste.table_info_nr_seq, londiste.seq_info_nr_seq to londiste_writer;
