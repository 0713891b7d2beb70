-- EXECUTE: SQL scripts run on the root and on every subscriber at the same place in the
-- change stream. applied_execute remembers each script by file name, once per database.

-- Record a script about to run. 200 run it; 201 it ran here already (skip it);
-- 401 i_expect_root and this is not the root.
create or replace function londiste.execute_start(in i_queue_name text, in i_file_name text,
    in i_sql text, in i_expect_root boolean, in i_attrs text,
    out ret_code int4, out ret_note text)
language plpgsql as $$
declare
    v_root boolean := pgq_node.is_root_node(i_queue_name);
begin
    if i_expect_root and not v_root then
        ret_code := 401;
        ret_note := 'Node is not root node: ' || i_queue_name;
        return;
    end if;
    insert into londiste.applied_execute (queue_name, execute_file, execute_sql, execute_attrs)
        values (i_queue_name, i_file_name, i_sql, i_attrs)
        on conflict do nothing;
    if not found then
        ret_code := 201;
        ret_note := 'EXECUTE: "' || i_file_name || '" already applied, skipping';
        return;
    end if;
    ret_code := 200;
    ret_note := 'Executing: ' || i_file_name;
end;
$$;

create or replace function londiste.execute_start(in i_queue_name text, in i_file_name text,
    in i_sql text, in i_expect_root boolean, out ret_code int4, out ret_note text)
language plpgsql as $$
begin
    select e.ret_code, e.ret_note into ret_code, ret_note
      from londiste.execute_start(i_queue_name, i_file_name, i_sql, i_expect_root, null) e;
end;
$$;

-- The script ran. On the root this sends it to the subscribers (event EXECUTE, in the
-- same transaction as the script).
create or replace function londiste.execute_finish(in i_queue_name text, in i_file_name text,
    out ret_code int4, out ret_note text)
language plpgsql strict as $$
declare
    v_root boolean := pgq_node.is_root_node(i_queue_name);
    v_exec record;
begin
    select a.execute_sql, a.execute_attrs into v_exec
      from londiste.applied_execute a where a.execute_file = i_file_name;
    if not found then
        ret_code := 404;
        ret_note := 'execute_file called without execute_start';
        return;
    end if;
    if v_root then
        perform pgq.insert_event(i_queue_name, 'EXECUTE', v_exec.execute_sql, i_file_name,
                                 v_exec.execute_attrs, null, null);
    end if;
    ret_code := 200;
    ret_note := 'Execute finished: ' || i_file_name;
end;
$$;
