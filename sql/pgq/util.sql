-- Small helpers that are part of the public PgQ API, plus our own additions
-- (camel_skytools_version, tick_channel).

-- What pgqd and londiste read: must never be NULL (pgqd skips a database whose
-- version is empty or below '3').
create or replace function pgq.version()
returns text language sql immutable as $$ select '3.5'::text $$;

-- Marks this pgq schema as ours; the installer uses it to tell ours from real Skytools.
create or replace function pgq.camel_skytools_version()
returns text language sql immutable as $$ select '0.1.0'::text $$;

-- Quote "schema.name"; a name without a dot lives in public.
create or replace function pgq.quote_fqname(i_name text)
returns text language plpgsql immutable strict as $$
declare
    v_dot int4 := strpos(i_name, '.');
begin
    if v_dot = 0 then
        return 'public.' || quote_ident(i_name);
    end if;
    return quote_ident(substr(i_name, 1, v_dot - 1)) || '.' || quote_ident(substr(i_name, v_dot + 1));
end;
$$;

-- Current value of a sequence without advancing it.
create or replace function pgq.seq_getval(i_seq_name text)
returns bigint language plpgsql strict as $$
declare
    v_val bigint;
begin
    execute 'select last_value from ' || pgq.quote_fqname(i_seq_name) into v_val;
    return v_val;
end;
$$;

-- setval that only ever moves a sequence forward; returns where it ended up.
create or replace function pgq.seq_setval(i_seq_name text, i_new_value int8)
returns bigint language plpgsql strict as $$
declare
    v_seq text := pgq.quote_fqname(i_seq_name);
    v_cur bigint;
begin
    execute 'select last_value from ' || v_seq into v_cur;
    if i_new_value > v_cur then
        perform pg_catalog.setval(v_seq, i_new_value);
        return i_new_value;
    end if;
    return v_cur;
end;
$$;

-- Channel the ticker NOTIFYs (payload: the new tick id) when it makes a tick in a queue.
-- "pgq.<queue name>", or "pgq.#<queue id>" when the name does not fit a channel name.
create or replace function pgq.tick_channel(i_queue_name text)
returns text language plpgsql stable strict as $$
declare
    v_id int4;
begin
    if octet_length(i_queue_name) <= 59 then
        return 'pgq.' || i_queue_name;
    end if;
    select queue_id into v_id from pgq.queue where queue_name = i_queue_name;
    if not found then
        raise exception 'No such event queue';
    end if;
    return 'pgq.#' || v_id;
end;
$$;

-- First key of the advisory locks pgq takes (the second key is a queue id, or 0).
create or replace function pgq._lock_key(i_purpose text)
returns int4 language sql immutable strict as $$ select pg_catalog.hashtext('camel-skytools pgq ' || i_purpose) $$;
