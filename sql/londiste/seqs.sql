-- Sequences. The root publishes each local sequence's value ahead of where it stands
-- (londiste.update-seq); subscribers store it and move their sequence there, never back.
-- So after a failover a subscriber's sequences are past anything the old root handed out.

-- Send an event into the queue; only the root makes events.
create or replace function londiste.root_notify_change(i_queue_name text, i_ev_type text, i_ev_data text)
returns integer language plpgsql as $$
begin
    if not coalesce(pgq_node.is_root_node(i_queue_name), false) then
        raise exception 'only root node can send events';
    end if;
    perform pgq.insert_event(i_queue_name, i_ev_type, i_ev_data);
    return 1;
end;
$$;

-- On the root: publish every local sequence that came within i_buffer of its last
-- published value, as its value plus three buffers. i_buffer under 10 means 10000.
create or replace function londiste.root_check_seqs(in i_queue_name text, in i_buffer int8,
    out ret_code int4, out ret_note text)
language plpgsql as $$
declare
    v_buffer int8 := case when i_buffer is null or i_buffer < 10 then 10000 else i_buffer end;
    v_type text;
    v_seq record;
    v_value int8;
begin
    -- the lock keeps two checkers from publishing the same values twice
    select n.node_type into v_type from pgq_node.node_info n where n.queue_name = i_queue_name for update;
    if not found then
        ret_code := 404;
        ret_note := 'Queue not found: ' || i_queue_name;
        return;
    end if;
    if v_type <> 'root' then
        ret_code := 402;
        ret_note := 'Not a root node';
        return;
    end if;
    for v_seq in
        select s.seq_name, s.last_value from londiste.seq_info s
         where s.queue_name = i_queue_name and s.local
         order by s.nr
    loop
        execute 'select last_value from ' || londiste.quote_fqname(v_seq.seq_name) into v_value;
        if v_value + v_buffer >= v_seq.last_value then
            v_value := v_value + v_buffer * 3;
            perform pgq.insert_event(i_queue_name, 'londiste.update-seq', v_value::text, v_seq.seq_name,
                                     null, null, null);
            update londiste.seq_info s set last_value = v_value
             where s.queue_name = i_queue_name and s.seq_name = v_seq.seq_name;
        end if;
    end loop;
    ret_code := 100;
    ret_note := 'Sequences updated';
end;
$$;

create or replace function londiste.root_check_seqs(in i_queue_name text,
    out ret_code int4, out ret_note text)
language plpgsql as $$
begin
    select r.ret_code, r.ret_note into ret_code, ret_note from londiste.root_check_seqs(i_queue_name, 10000) r;
end;
$$;

-- Replicate a sequence here. On the root it is published at once; on a subscriber it must
-- be known from the root and is moved to the last published value.
create or replace function londiste.local_add_seq(in i_queue_name text, in i_seq_name text,
    out ret_code int4, out ret_note text)
language plpgsql as $$
declare
    v_fq text := londiste.make_fqname(i_seq_name);
    v_seq record;
begin
    if londiste.find_seq_oid(v_fq) is null then
        ret_code := 400;
        ret_note := 'Sequence not found: ' || v_fq;
        return;
    end if;
    select s.local, s.last_value into v_seq
      from londiste.seq_info s
     where s.queue_name = i_queue_name and s.seq_name = v_fq
       for update;
    if pgq_node.is_root_node(i_queue_name) then
        if v_seq.local then
            ret_code := 201;
            ret_note := 'Sequence already added: ' || v_fq;
            return;
        end if;
        if v_seq.local is null then
            insert into londiste.seq_info (queue_name, seq_name, local, last_value)
                values (i_queue_name, v_fq, true, 0);
        else
            update londiste.seq_info s set local = true
             where s.queue_name = i_queue_name and s.seq_name = v_fq;
        end if;
        perform londiste.root_check_seqs(i_queue_name);
    else
        if v_seq.local is null then
            ret_code := 404;
            ret_note := 'Unknown sequence: ' || v_fq;
            return;
        elsif v_seq.local then
            ret_code := 201;
            ret_note := 'Sequence already added: ' || v_fq;
            return;
        end if;
        update londiste.seq_info s set local = true
         where s.queue_name = i_queue_name and s.seq_name = v_fq;
        perform pgq.seq_setval(v_fq, v_seq.last_value);
    end if;
    ret_code := 200;
    ret_note := 'Sequence added: ' || v_fq;
end;
$$;

-- Stop replicating a sequence here; on the root it leaves the queue.
create or replace function londiste.local_remove_seq(in i_queue_name text, in i_seq_name text,
    out ret_code int4, out ret_note text)
language plpgsql strict as $$
declare
    v_fq text := londiste.make_fqname(i_seq_name);
begin
    if pgq_node.is_root_node(i_queue_name) then
        select g.ret_code, g.ret_note into ret_code, ret_note
          from londiste.global_remove_seq(i_queue_name, v_fq) g;
        return;
    end if;
    update londiste.seq_info s set local = false
     where s.queue_name = i_queue_name and s.seq_name = v_fq and s.local;
    if not found then
        ret_code := 404;
        ret_note := 'Sequence not found: ' || v_fq;
        return;
    end if;
    ret_code := 200;
    ret_note := 'Sequence removed: ' || v_fq;
end;
$$;

-- A value the root published (subscribers only): stored, and applied when the sequence
-- is local (pgq.seq_setval never moves it back).
create or replace function londiste.global_update_seq(in i_queue_name text, in i_seq_name text,
    in i_value int8, out ret_code int4, out ret_note text)
language plpgsql as $$
declare
    v_type text;
    v_fq text := londiste.make_fqname(i_seq_name);
    v_local boolean;
begin
    select n.node_type into v_type from pgq_node.node_info n where n.queue_name = i_queue_name;
    if not found then
        ret_code := 404;
        ret_note := 'Set not found: ' || i_queue_name;
        return;
    end if;
    if v_type = 'root' then
        ret_code := 402;
        ret_note := 'Must not run on root node';
        return;
    end if;
    select s.local into v_local from londiste.seq_info s
     where s.queue_name = i_queue_name and s.seq_name = v_fq
       for update;
    if not found then
        insert into londiste.seq_info (queue_name, seq_name, last_value)
            values (i_queue_name, v_fq, i_value);
    else
        update londiste.seq_info s set last_value = i_value
         where s.queue_name = i_queue_name and s.seq_name = v_fq;
        if v_local then
            perform pgq.seq_setval(v_fq, i_value);
        end if;
    end if;
    ret_code := 200;
    ret_note := 'Sequence updated';
end;
$$;

-- The sequence leaves the queue; the root tells subscribers (londiste.remove-seq).
create or replace function londiste.global_remove_seq(in i_queue_name text, in i_seq_name text,
    out ret_code int4, out ret_note text)
language plpgsql strict as $$
declare
    v_fq text := londiste.make_fqname(i_seq_name);
begin
    delete from londiste.seq_info s where s.queue_name = i_queue_name and s.seq_name = v_fq;
    if not found then
        ret_code := 400;
        ret_note := 'Sequence not found: ' || v_fq;
        return;
    end if;
    if pgq_node.is_root_node(i_queue_name) then
        perform londiste.root_notify_change(i_queue_name, 'londiste.remove-seq', v_fq);
    end if;
    ret_code := 200;
    ret_note := 'Sequence removed: ' || v_fq;
end;
$$;
