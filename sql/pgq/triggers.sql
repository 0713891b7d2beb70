-- ======================================================================
-- camel-skytools: PgQ row-change triggers in plain PL/pgSQL
--
--   pgq.logutriga()  - urlencoded row data      (ev_type 'I:pk1,pk2')
--   pgq.jsontriga()  - JSON row data            (ev_type JSON op header)
--   pgq.sqltriga()   - partial SQL statements   (ev_type 'I'/'U'/'D'/'R')
--
-- Trigger arguments: first the queue name, then in any order
--   SKIP, backup, deny, ignore=c1,c2, pkey=c1,c2,
--   ev_type= ev_data= ev_extra1..4= when=  (SQL expressions over the row)
--
-- The three entry points are thin: all work is done by pgq._trg_fire(),
-- which gets the trigger context as plain arguments.  Behaviour follows
-- the C implementation of Skytools 3.5 (pgq_triggers.so), which is what
-- existing installations and londiste run on.  Known, deliberate
-- differences from C:
--   * the default pkey uses the table's current column names and only
--     the key columns of the PRIMARY KEY index (C uses the index's own
--     attribute names, stale after RENAME COLUMN, and also counts
--     INCLUDE columns as pkey);
--   * a changed pkey column is always refused (C can miss it when
--     ignore= is set and a non-ignored column before it changed too).
--
-- Speed: these run once per changed row.  The general path makes one
-- catalog query (columns + pkey) per call and reads each row image once
-- through its text form; encoding uses string functions in PL/pgSQL
-- loops, which measured much faster than set-returning SQL per value.
-- logutriga with only the queue argument (Londiste's root trigger) has
-- a fast path without any catalog query: see below.
--
-- Every object here is created with CREATE OR REPLACE (or IF NOT EXISTS),
-- so the file can be applied again to upgrade an installed schema in place.
-- ======================================================================


-- ----------------------------------------------------------------------
-- Urlencoding (form style, as C pgq_urlencode): [0-9A-Za-z_.-] are kept,
-- space becomes '+', every other byte of the value in the database
-- encoding becomes %xx with lower-case hex.
--
-- Regexp-per-run encoders are slow in PL/pgSQL, so the work is split:
--   _trg_urlenc_ascii  fixed chain of replace() for the 30 printable
--                      ASCII specials; a plain expression, inlinable
--   _trg_urlenc_rest   whatever is left (control and non-ASCII
--                      characters), one replace() per distinct character
-- ----------------------------------------------------------------------
create or replace function pgq._trg_urlenc_ascii(i_str text)
returns text
language sql immutable
as $fn$
    -- '%' goes first because every encoding adds one, ' ' last because
    -- the '+' it becomes must not be encoded again
    select replace(replace(replace(replace(replace(replace(replace(replace(
           replace(replace(replace(replace(replace(replace(replace(replace(
           replace(replace(replace(replace(replace(replace(replace(replace(
           replace(replace(replace(replace(replace(replace(
               i_str, '%', '%25'),
               '!', '%21'), '"', '%22'), '#', '%23'), '$', '%24'), '&', '%26'),
               '''', '%27'), '(', '%28'), ')', '%29'), '*', '%2a'), '+', '%2b'),
               ',', '%2c'), '/', '%2f'), ':', '%3a'), ';', '%3b'), '<', '%3c'),
               '=', '%3d'), '>', '%3e'), '?', '%3f'), '@', '%40'), '[', '%5b'),
               E'\\', '%5c'), ']', '%5d'), '^', '%5e'), '`', '%60'), '{', '%7b'),
               '|', '%7c'), '}', '%7d'), '~', '%7e'),
               ' ', '+');
$fn$;

create or replace function pgq._trg_urlenc_rest(i_str text, i_keep text)
returns text
language plpgsql immutable strict
as $fn$
declare
    v_res  text := i_str;
    v_todo text;
    v_ch   text;
begin
    -- characters not yet encoded, except those the caller wants kept
    -- (translate() is slow with a long character list: use a regexp)
    v_todo := regexp_replace(i_str, '[-_.0-9A-Za-z%+]+', '', 'g');
    if i_keep <> '' then
        v_todo := translate(v_todo, i_keep, '');
    end if;
    while v_todo <> '' loop
        v_ch := left(v_todo, 1);
        v_todo := replace(v_todo, v_ch, '');
        v_res := replace(v_res, v_ch,
                         regexp_replace(encode(convert_to(v_ch, pg_catalog.getdatabaseencoding()), 'hex'),
                                        '([0-9a-f]{2})', E'%\\1', 'g'));
    end loop;
    return v_res;
end;
$fn$;

-- ----------------------------------------------------------------------
-- pgq._trg_urlencode(text): urlencode one value
-- ----------------------------------------------------------------------
create or replace function pgq._trg_urlencode(i_str text)
returns text
language plpgsql immutable strict
as $fn$
declare
    v_res text := pgq._trg_urlenc_ascii(i_str);
begin
    if v_res ~ '[^-_.0-9A-Za-z%+]' then
        v_res := pgq._trg_urlenc_rest(v_res, '');
    end if;
    return v_res;
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_urlenc_row(names, values, skip)
--
--   col=val&col2=val2 for the columns not flagged in skip; a NULL value
--   is the bare column name.  The row is encoded as one string, with
--   chr(1)/chr(2) standing in for '&'/'=' and switched back at the end;
--   only if names or data hold those characters is it done per value.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_urlenc_row(
    i_names text[], i_vals text[], i_skip boolean[])
returns text
language plpgsql immutable
as $fn$
declare
    v_raw  text := '';
    v_seps int4 := 0;
    v_res  text;
    i      int4;
begin
    for i in 1 .. coalesce(cardinality(i_names), 0) loop
        if not i_skip[i] then
            if i_vals[i] is null then
                v_raw := v_raw || chr(1) || i_names[i];
                v_seps := v_seps + 1;
            else
                v_raw := v_raw || chr(1) || i_names[i] || chr(2) || i_vals[i];
                v_seps := v_seps + 2;
            end if;
        end if;
    end loop;
    if v_seps = 0 then
        return '';
    end if;

    -- (replace() is much cheaper than translate() here)
    if length(v_raw) - length(replace(replace(v_raw, chr(1), ''), chr(2), '')) <> v_seps then
        -- the stand-ins occur in the data: encode value by value
        v_res := null;
        for i in 1 .. cardinality(i_names) loop
            if not i_skip[i] then
                v_res := coalesce(v_res || '&', '') || pgq._trg_urlencode(i_names[i])
                         || coalesce('=' || pgq._trg_urlencode(i_vals[i]), '');
            end if;
        end loop;
        return v_res;
    end if;

    v_res := pgq._trg_urlenc_ascii(substr(v_raw, 2));
    if v_res ~ E'[^-_.0-9A-Za-z%+\\x01\\x02]' then
        v_res := pgq._trg_urlenc_rest(v_res, chr(1) || chr(2));
    end if;
    return replace(replace(v_res, chr(1), '&'), chr(2), '=');
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_json_row(names, types, values, skip, row_json)
--
--   JSON object of the columns not flagged in skip.  int2/int4/int8 and
--   bool are native JSON, date/timestamp/timestamptz are to_json()'s ISO
--   strings (taken from row_json, which the caller builds only when the
--   table has such columns), all other types are JSON strings of their
--   text form.  Decided by exact type oid, as C does: domains are strings.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_json_row(
    i_names text[], i_types oid[], i_vals text[], i_skip boolean[], i_row json)
returns text
language plpgsql immutable
as $fn$
declare
    v_res text;
    v_val text;
    i     int4;
begin
    for i in 1 .. coalesce(cardinality(i_names), 0) loop
        if not i_skip[i] then
            v_val := i_vals[i];
            if v_val is null then
                v_val := 'null';
            elsif i_types[i] in (20, 21, 23) then          -- int8, int2, int4
                null;
            elsif i_types[i] = 16 then                     -- bool
                v_val := case v_val when 't' then 'true' else 'false' end;
            elsif i_types[i] in (1082, 1114, 1184) then    -- date, timestamp(tz)
                v_val := (i_row -> i_names[i])::text;
            else
                v_val := to_json(v_val)::text;
            end if;
            v_res := coalesce(v_res || ',', '') || to_json(i_names[i])::text || ':' || v_val;
        end if;
    end loop;
    return '{' || coalesce(v_res, '') || '}';
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_in_list(list, name)
--
--   Whether name occurs in a comma/blank separated list, the way C's
--   pgq_strlist_contains() decides it: an occurrence counts when it is
--   bounded by the list ends, blanks or commas.  Only used for column
--   names that themselves hold blanks or commas.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_in_list(i_list text, i_name text)
returns boolean
language plpgsql immutable
as $fn$
declare
    v_from int4 := 1;
    v_at   int4;
    v_len  int4 := length(i_name);
    v_seps text := ', ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13);
begin
    if i_list is null or i_name is null then
        return false;
    end if;
    loop
        v_at := strpos(substr(i_list, v_from), i_name);
        if v_at = 0 then
            return false;
        end if;
        v_at := v_at + v_from - 1;
        if (v_at = 1 or strpos(v_seps, substr(i_list, v_at - 1, 1)) > 0)
           and (v_at + v_len > length(i_list) or strpos(v_seps, substr(i_list, v_at + v_len, 1)) > 0)
        then
            return true;
        end if;
        -- continue one character past this occurrence, like C does
        v_from := v_at + v_len + 1;
    end loop;
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_row_fields(text)
--
--   Splits the text form of a row value (record_out, i.e. "row::text")
--   into one element per live column, in column order.  Each element is
--   exactly what the column type's output function produced (the same
--   as SPI_getvalue in C), NULL for SQL NULL.
--
--   record_out writes NULL as an empty field and the empty string as "";
--   it quotes any field holding specials, doubling " and \ inside.  So
--   splitting at '"' gives stretches that alternate between unquoted
--   (comma separated fields) and quoted (one field), except that an
--   empty unquoted stretch between two quoted ones is an escaped quote.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_row_fields(i_rowtext text)
returns text[]
language plpgsql immutable strict
as $fn$
declare
    v_body  text := substr(i_rowtext, 2, length(i_rowtext) - 2);
    v_parts text[];
    v_last  int4;
    v_res   text[] := '{}';
    v_seg   text;
    i       int4 := 1;
begin
    if strpos(v_body, '"') = 0 then
        if v_body = '' then
            return '{NULL}';
        end if;
        return string_to_array(v_body, ',', '');
    end if;
    v_parts := string_to_array(v_body, '"');
    v_last := cardinality(v_parts);
    loop
        -- unquoted stretch; drop the commas next to the quoted fields
        v_seg := v_parts[i];
        if (i = 1 or i = v_last) and v_seg <> '' or length(v_seg) > 1 then
            if i > 1 then
                v_seg := substr(v_seg, 2);
            end if;
            if i < v_last then
                v_seg := left(v_seg, -1);
            end if;
            if v_seg = '' then
                v_res := v_res || null::text;
            else
                v_res := v_res || string_to_array(v_seg, ',', '');
            end if;
        end if;
        exit when i = v_last;
        -- quoted field, possibly in several pieces joined by "" escapes
        i := i + 1;
        v_seg := v_parts[i];
        while i + 2 <= v_last and v_parts[i + 1] = '' loop
            v_seg := v_seg || '"' || v_parts[i + 2];
            i := i + 2;
        end loop;
        v_res := v_res || replace(v_seg, E'\\\\', E'\\');
        i := i + 1;
    end loop;
    return v_res;
end;
$fn$;



-- ----------------------------------------------------------------------
-- pgq._trg_typed_equal(oid, text[], record, record)
--
--   For columns whose text form differs between OLD and NEW, decides
--   whether the values are still equal for the column type, like the C
--   code does with the type's default equality operator (numeric 1.0 vs
--   1.00, interval '1 day' vs '24 hours', citext, non-deterministic
--   collations ...).  Array types and types without a default btree/hash
--   opclass keep the plain text comparison, as in C.
--
--   Returns one boolean per requested column: true = equal.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_typed_equal(
    i_relid oid, i_cols text[], i_old record, i_new record)
returns boolean[]
language plpgsql
as $fn$
declare
    v_use_op boolean[];
    v_exprs  text[];
    v_res    boolean[];
begin
    select array_agg(
               t.typcategory <> 'A' and t.typtype <> 'e'
               and exists (select 1 from pg_catalog.pg_opclass oc
                            where oc.opcdefault
                              and oc.opcmethod in (403, 405)   -- btree, hash
                              and oc.opcintype = case when t.typtype = 'd'
                                                      then t.typbasetype else t.oid end)
               order by c.n)
      into v_use_op
      from unnest(i_cols) with ordinality as c(name, n)
      join pg_catalog.pg_attribute a on a.attrelid = i_relid and a.attname = c.name
      join pg_catalog.pg_type t on t.oid = a.atttypid;

    select array_agg(case when v_use_op[c.n]
                          then format('coalesce(($1).%1$I = ($2).%1$I, false)', c.name)
                          else 'false' end
                     order by c.n)
      into v_exprs
      from unnest(i_cols) with ordinality as c(name, n);

    execute 'select array[' || array_to_string(v_exprs, ', ') || ']::boolean[]'
       into v_res using i_old, i_new;
    return v_res;
end;
$fn$;



-- ----------------------------------------------------------------------
-- pgq._trg_eval(text, record)
--
--   Evaluates one ev_*= / when= trigger argument against the row.
--   Returns (is_null, output text, result type).  Column names in the
--   expression resolve against the row.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_eval(
    i_expr text, i_row record,
    out o_isnull boolean, out o_text text, out o_type oid)
language plpgsql
as $fn$
begin
    execute 'select num_nulls(x.v) = 1, pg_catalog.format(''%s'', x.v), pg_catalog.pg_typeof(x.v)::oid'
            || ' from (select (' || i_expr || ') as v from (select $1.*) as r) as x'
       into o_isnull, o_text, o_type
      using i_row;
    if o_isnull then
        o_text := null;
    end if;
end;
$fn$;



-- ----------------------------------------------------------------------
-- pgq._trg_fire(...)
--
--   Shared body of the three triggers.  i_kind is 'L' (logutriga),
--   'J' (jsontriga) or 'S' (sqltriga).  Inserts the event (or not) and
--   returns true when a BEFORE trigger must suppress the row (SKIP).
--   Errors use SQLSTATE XX000 and the texts of C's elog(ERROR).
-- ----------------------------------------------------------------------
create or replace function pgq._trg_fire(
    i_kind "char", i_op text, i_when text, i_level text, i_relid oid,
    i_schema text, i_table text, i_args text[], i_old record, i_new record)
returns boolean
language plpgsql
as $fn$
declare
    v_fqname   text := i_schema || '.' || i_table;
    v_nargs    int4 := coalesce(cardinality(i_args), 0);
    v_argno    int4;
    v_arg      text;
    v_key      text;
    v_slot     int4;
    -- trigger arguments
    v_queue    text;
    v_skip     boolean := false;
    v_backup   boolean := false;
    v_deny     boolean := false;
    v_ignore   text;            -- raw ignore= value, NULL if not given
    v_pkey     text;            -- raw pkey= value, later the effective list
    v_expr     text[] := '{NULL,NULL,NULL,NULL,NULL,NULL,NULL}';  -- type,data,extra1..4,when
    v_has_expr boolean := false;
    -- catalog
    v_want_pk  boolean;
    v_names    text[];
    v_types    oid[];
    v_colls    oid[];
    v_attnums  int2[];
    v_keynums  int2[];
    v_pk_names text[];
    v_ncols    int4;
    -- per column
    v_newvals  text[];
    v_oldvals  text[];
    v_vals     text[];          -- the row image the event describes
    v_is_pk    boolean[];
    v_is_skip  boolean[];
    v_has_magic boolean := false;
    v_changed  boolean[];
    v_recheck  int4[];
    v_equal    boolean[];
    v_data_changed boolean := false;
    v_skip_changed boolean := false;
    v_ign_set  text[];
    v_pk_set   text[];
    v_nm       text;
    v_num      int2;
    v_sql1     text;
    v_sql2     text;
    v_json     json;
    v_res      record;
    i          int4;
    -- event fields: type, data, extra1..4
    v_ev       text[] := '{NULL,NULL,NULL,NULL,NULL,NULL}';
begin
    ------------------------------------------------------------------
    -- calling convention
    ------------------------------------------------------------------
    if i_op = 'TRUNCATE' then
        if i_level <> 'STATEMENT' then
            raise exception using errcode = 'XX000',
                message = 'pgq tRuncate trigger must be fired FOR EACH STATEMENT';
        end if;
    elsif i_level <> 'ROW' then
        raise exception using errcode = 'XX000',
            message = 'pgq Ins/Upd/Del trigger must be fired FOR EACH ROW';
    end if;
    if v_nargs < 1 then
        raise exception using errcode = 'XX000',
            message = 'pgq trigger must have destination queue as argument';
    end if;

    ------------------------------------------------------------------
    -- arguments (TG_ARGV is 0-based)
    ------------------------------------------------------------------
    v_argno := array_lower(i_args, 1);
    v_queue := i_args[v_argno];
    for i in v_argno + 1 .. v_argno + v_nargs - 1 loop
        v_arg := i_args[i];
        if v_arg = 'SKIP' then
            v_skip := true;
        elsif v_arg = 'backup' then
            v_backup := true;
        elsif v_arg = 'deny' then
            v_deny := true;
        elsif starts_with(v_arg, 'ignore=') then
            v_ignore := substr(v_arg, 8);
        elsif starts_with(v_arg, 'pkey=') then
            v_pkey := substr(v_arg, 6);
        else
            v_key := substring(v_arg from '^(ev_type|ev_data|ev_extra[1-4]|when)=');
            if v_key is null then
                raise exception using errcode = 'XX000',
                    message = 'bad param to pgq trigger';
            end if;
            if i_op = 'TRUNCATE' then
                raise exception using errcode = 'XX000',
                    message = 'Custom expressions do not make sense for truncater trigger';
            end if;
            v_slot := array_position('{ev_type,ev_data,ev_extra1,ev_extra2,ev_extra3,ev_extra4,when}'::text[],
                                     v_key);
            -- a repeated field keeps its first expression, as in C
            if v_expr[v_slot] is null then
                v_expr[v_slot] := substr(v_arg, length(v_key) + 2);
                v_has_expr := true;
            end if;
        end if;
    end loop;

    if i_op = 'TRUNCATE' then
        if v_ignore is not null then
            raise exception using errcode = 'XX000',
                message = 'Column ignore does not make sense for truncate trigger';
        elsif v_pkey is not null then
            raise exception using errcode = 'XX000',
                message = 'Custom pkey_list does not make sense for truncate trigger';
        elsif v_backup then
            raise exception using errcode = 'XX000',
                message = 'Backup does not make sense for truncate trigger';
        end if;
    end if;

    ------------------------------------------------------------------
    -- catalog, one query: the live columns and the key columns of the
    -- PRIMARY KEY (used when needed and pkey= was not given)
    ------------------------------------------------------------------
    v_want_pk := v_pkey is null
                 and not (i_kind = 'S' and i_op in ('INSERT', 'TRUNCATE'))
                 and not (i_kind = 'L' and i_op = 'TRUNCATE');
    if i_op <> 'TRUNCATE' or v_want_pk then
        select array_agg(a.attname::text order by a.attnum),
               array_agg(a.atttypid order by a.attnum),
               array_agg(a.attcollation order by a.attnum),
               array_agg(a.attnum order by a.attnum),
               (select (ix.indkey::int2[])[0 : ix.indnkeyatts - 1]
                  from pg_catalog.pg_index ix
                 where ix.indrelid = i_relid and ix.indisprimary)
          into v_names, v_types, v_colls, v_attnums, v_keynums
          from pg_catalog.pg_attribute a
         where a.attrelid = i_relid and a.attnum > 0 and not a.attisdropped;
        if v_want_pk then
            v_pk_names := '{}';
            if v_keynums is not null then
                foreach v_num in array v_keynums loop
                    v_pk_names := v_pk_names || v_names[array_position(v_attnums, v_num)];
                end loop;
            end if;
            v_pkey := array_to_string(v_pk_names, ',');
        end if;
    end if;
    v_ncols := coalesce(cardinality(v_names), 0);

    if i_op in ('UPDATE', 'DELETE') and coalesce(v_pkey, '') = '' then
        raise exception using errcode = 'XX000',
            message = 'Update/Delete on table without pkey';
    end if;
    if v_skip and i_when = 'AFTER' then
        raise exception using errcode = 'XX000',
            message = 'SKIP does not work in AFTER trigger.';
    end if;
    if v_deny then
        raise exception using errcode = 'XX000',
            message = format('Table ''%s'' to queue ''%s'': change not allowed (%s)',
                             v_fqname, v_queue, i_op);
    end if;

    ------------------------------------------------------------------
    -- ev_type, ev_extra1; TRUNCATE is complete after this
    ------------------------------------------------------------------
    if i_kind = 'J' then
        if v_pk_names is null then
            -- a pkey= list is split at commas only, blanks kept, as in C
            v_pk_names := regexp_split_to_array(v_pkey, ',');
        end if;
        v_ev[1] := null;
        foreach v_nm in array v_pk_names loop
            v_ev[1] := coalesce(v_ev[1] || ',', '') || to_json(v_nm)::text;
        end loop;
        v_ev[1] := '{"op":"' || i_op || '","table":[' || to_json(i_schema)::text || ','
                   || to_json(i_table)::text || '],"pkey":[' || coalesce(v_ev[1], '') || ']}';
    elsif i_op = 'TRUNCATE' then
        v_ev[1] := 'R';
    elsif i_kind = 'L' then
        v_ev[1] := left(i_op, 1) || ':' || v_pkey;
    else
        v_ev[1] := left(i_op, 1);
    end if;
    v_ev[3] := v_fqname;

    if i_op = 'TRUNCATE' then
        v_ev[2] := case when i_kind = 'J' then '{}' else '' end;
        perform pgq.insert_event(v_queue, v_ev[1], v_ev[2], v_ev[3], null, null, null);
        return v_skip;
    end if;

    ------------------------------------------------------------------
    -- row images, each read once through its text form
    ------------------------------------------------------------------
    if i_op <> 'DELETE' then
        v_newvals := (pgq._trg_row_fields(i_new::text))[1 : v_ncols];
    end if;
    if i_op <> 'INSERT' then
        v_oldvals := (pgq._trg_row_fields(i_old::text))[1 : v_ncols];
    end if;
    v_vals := case when i_op = 'DELETE' then v_oldvals else v_newvals end;

    ------------------------------------------------------------------
    -- column flags: pkey, and skipped (ignore= or magic _pgq_ev_*).
    -- List membership as C's pgq_strlist_contains: a name matches where
    -- it stands between start/end, blanks or commas; for names without
    -- blanks/commas that is membership in the split token list.
    ------------------------------------------------------------------
    v_is_pk := array_fill(false, array[v_ncols]);
    v_is_skip := v_is_pk;
    if i_op <> 'INSERT' or v_ignore is not null
       or strpos(array_to_string(v_names, ','), '_pgq_ev_') > 0
    then
        v_pk_set := regexp_split_to_array(coalesce(v_pkey, ''), '[[:space:],]+');
        v_ign_set := regexp_split_to_array(coalesce(v_ignore, ''), '[[:space:],]+');
        for i in 1 .. v_ncols loop
            v_nm := v_names[i];
            if starts_with(v_nm, '_pgq_ev_') then
                v_is_skip[i] := true;
                v_has_magic := true;
            elsif v_nm ~ '[[:space:],]' then
                v_is_pk[i] := pgq._trg_in_list(v_pkey, v_nm);
                v_is_skip[i] := pgq._trg_in_list(v_ignore, v_nm);
            else
                v_is_pk[i] := v_nm = any (v_pk_set);
                v_is_skip[i] := v_ignore is not null and v_nm = any (v_ign_set);
            end if;
        end loop;
    end if;

    ------------------------------------------------------------------
    -- UPDATE: which columns changed?  C compares with the type's equality
    -- operator.  Equal text means equal value; different text can still
    -- be equal (numeric 1.0/1.00, interval, float -0/0, jsonb, citext,
    -- non-deterministic collations...): common types are re-read from
    -- their text, the rest go through _trg_typed_equal.
    ------------------------------------------------------------------
    if i_op = 'UPDATE' then
        v_changed := array_fill(false, array[v_ncols]);
        v_recheck := '{}';
        for i in 1 .. v_ncols loop
            -- logutriga/jsontriga look only at pkeys unless ignore= is set
            if i_kind <> 'S' and v_ignore is null and not v_is_pk[i] then
                continue;
            end if;
            if v_oldvals[i] is distinct from v_newvals[i] then
                v_changed[i] := true;
                if v_oldvals[i] is null or v_newvals[i] is null
                   or v_types[i] in (16, 17, 18, 20, 21, 23, 26, 650, 869, 1082, 1083,
                                     1114, 1184, 1266, 2950)
                   or (v_types[i] in (19, 25, 1042, 1043) and v_colls[i] in (0, 100, 950, 951))
                then
                    null;       -- the text form is exact for these
                elsif v_types[i] = 1700 then
                    v_changed[i] := v_oldvals[i]::numeric <> v_newvals[i]::numeric;
                elsif v_types[i] = 701 then
                    v_changed[i] := v_oldvals[i]::float8 <> v_newvals[i]::float8;
                elsif v_types[i] = 700 then
                    v_changed[i] := v_oldvals[i]::float4 <> v_newvals[i]::float4;
                elsif v_types[i] = 1186 then
                    v_changed[i] := v_oldvals[i]::interval <> v_newvals[i]::interval;
                elsif v_types[i] = 3802 then
                    v_changed[i] := v_oldvals[i]::jsonb <> v_newvals[i]::jsonb;
                else
                    v_recheck := v_recheck || i;
                end if;
            end if;
        end loop;
        if cardinality(v_recheck) > 0 then
            v_equal := pgq._trg_typed_equal(i_relid,
                           array(select v_names[r] from unnest(v_recheck) as r),
                           i_old, i_new);
            for i in 1 .. cardinality(v_recheck) loop
                if v_equal[i] then
                    v_changed[v_recheck[i]] := false;
                end if;
            end loop;
        end if;
        for i in 1 .. v_ncols loop
            if v_changed[i] then
                if v_is_pk[i] then
                    raise exception using errcode = 'XX000',
                        message = 'primary key update not allowed';
                elsif v_is_skip[i] then
                    v_skip_changed := true;
                else
                    v_data_changed := true;
                end if;
            end if;
        end loop;
        -- only ignored (or magic) columns changed: no event
        if v_skip_changed and not v_data_changed then
            return v_skip;
        end if;
    end if;

    ------------------------------------------------------------------
    -- ev_data, and the OLD row as backup in ev_extra2 (UPDATE only)
    ------------------------------------------------------------------
    if i_kind = 'L' then
        v_ev[2] := pgq._trg_urlenc_row(v_names, v_vals, v_is_skip);
        if v_backup and i_op = 'UPDATE' then
            v_ev[4] := pgq._trg_urlenc_row(v_names, v_oldvals, v_is_skip);
        end if;

    elsif i_kind = 'J' then
        -- date/timestamp(tz) need to_json()'s form: take it from the row
        if 1082 = any (v_types) or 1114 = any (v_types) or 1184 = any (v_types) then
            if i_op = 'DELETE' then
                v_json := row_to_json(i_old);
            else
                v_json := row_to_json(i_new);
            end if;
        end if;
        v_ev[2] := pgq._trg_json_row(v_names, v_types, v_vals, v_is_skip, v_json);
        if v_backup and i_op = 'UPDATE' then
            if v_json is not null then
                v_json := row_to_json(i_old);
            end if;
            v_ev[4] := pgq._trg_json_row(v_names, v_types, v_oldvals, v_is_skip, v_json);
        end if;

    elsif i_op = 'INSERT' then
        -- (col,...) values ('val',...)
        for i in 1 .. v_ncols loop
            if not v_is_skip[i] then
                v_sql1 := coalesce(v_sql1 || ',', '') || quote_ident(v_names[i]);
                v_sql2 := coalesce(v_sql2 || ',', '') || coalesce(quote_literal(v_vals[i]), 'null');
            end if;
        end loop;
        v_ev[2] := '(' || coalesce(v_sql1, '') || ') values (' || coalesce(v_sql2, '') || ')';

    else
        -- key condition from the OLD values, in table column order
        for i in 1 .. v_ncols loop
            if v_is_pk[i] then
                if v_oldvals[i] is null then
                    raise exception using errcode = 'XX000',
                        message = 'logtriga: Unexpected NULL key value';
                end if;
                v_nm := quote_ident(v_names[i]) || '=' || quote_literal(v_oldvals[i]);
                v_sql2 := coalesce(v_sql2 || ' and ', '') || v_nm;
                -- first key column, for a no-op UPDATE
                v_sql1 := coalesce(v_sql1, v_nm);
            end if;
        end loop;
        if i_op = 'DELETE' then
            v_ev[2] := coalesce(v_sql2, '');
        else
            if v_data_changed then
                v_sql1 := null;
                for i in 1 .. v_ncols loop
                    if v_changed[i] and not v_is_skip[i] then
                        v_sql1 := coalesce(v_sql1 || ',', '') || quote_ident(v_names[i]) || '='
                                  || coalesce(quote_literal(v_newvals[i]), 'NULL');
                    end if;
                end loop;
            end if;
            v_ev[2] := coalesce(v_sql1, '') || ' where ' || coalesce(v_sql2, '');
            if v_backup then
                v_ev[4] := pgq._trg_urlenc_row(v_names, v_oldvals, v_is_skip);
            end if;
        end if;
    end if;

    ------------------------------------------------------------------
    -- magic columns, then ev_*= expressions, then when=
    ------------------------------------------------------------------
    if v_has_magic then
        for i in 1 .. v_ncols loop
            v_nm := v_names[i];
            if starts_with(v_nm, '_pgq_ev_') then
                v_slot := array_position('{_pgq_ev_type,_pgq_ev_data,_pgq_ev_extra1,_pgq_ev_extra2,'
                                         '_pgq_ev_extra3,_pgq_ev_extra4}'::text[], v_nm);
                if v_slot is null then
                    raise exception using errcode = 'XX000',
                        message = 'Unknown magic column: ' || v_nm;
                end if;
                v_ev[v_slot] := v_vals[i];
            end if;
        end loop;
    end if;

    if v_has_expr then
        for v_slot in 1 .. 7 loop
            continue when v_expr[v_slot] is null;
            if i_op = 'DELETE' then
                v_res := pgq._trg_eval(v_expr[v_slot], i_old);
            else
                v_res := pgq._trg_eval(v_expr[v_slot], i_new);
            end if;
            if v_slot < 7 then
                v_ev[v_slot] := v_res.o_text;
            elsif v_res.o_type <> 'boolean'::regtype then
                raise exception using errcode = 'XX000',
                    message = 'when= query result must be boolean, got=' || v_res.o_type;
            elsif v_res.o_isnull then
                raise exception using errcode = 'XX000',
                    message = 'when= should not be NULL';
            elsif v_res.o_text = 'f' then
                return v_skip;
            end if;
        end loop;
    end if;

    perform pgq.insert_event(v_queue, v_ev[1], v_ev[2], v_ev[3], v_ev[4], v_ev[5], v_ev[6]);
    return v_skip;
end;
$fn$;



-- ----------------------------------------------------------------------
-- The DDL epoch: pgq.trg_ddl_epoch moves on at the end of every DDL
-- command in this database (event trigger pgq_trg_ddl_epoch, ENABLE
-- ALWAYS so replica sessions count too).  logutriga keys the table shape
-- it keeps per session by this number: reading a sequence is a plain
-- function call, so a kept shape costs no catalog read in a new
-- transaction, and any ALTER TABLE, CREATE/DROP INDEX or DROP TABLE by
-- any session is seen by the next row.  Creating an event trigger needs a
-- superuser (or a managed service's administrator role that is allowed
-- to): installed by anybody else, the sequence stays unused (no value) and
-- logutriga keeps shapes per transaction (pgq._trg_xact_key) instead.
-- ----------------------------------------------------------------------
create sequence if not exists pgq.trg_ddl_epoch;

create or replace function pgq._trg_ddl_bump()
returns event_trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
begin
    -- (DDL never runs in a read-only transaction, so nextval may)
    perform pg_catalog.nextval('pgq.trg_ddl_epoch');
end;
$fn$;

do $$
begin
    -- tried by whoever installs: a superuser may, and so may a managed service's
    -- administrator (RDS's rds_superuser, for one), who is no superuser
    if not exists (select 1 from pg_catalog.pg_event_trigger where evtname = 'pgq_trg_ddl_epoch') then
        begin
            create event trigger pgq_trg_ddl_epoch on ddl_command_end execute function pgq._trg_ddl_bump();
            alter event trigger pgq_trg_ddl_epoch enable always;
        exception when insufficient_privilege then
            raise notice 'pgq: no event trigger pgq_trg_ddl_epoch (%): logutriga keeps table shapes for one transaction only, which is slower (docs/performance.md)', sqlerrm;
        end;
    end if;
    if exists (select 1 from pg_catalog.pg_event_trigger where evtname = 'pgq_trg_ddl_epoch') then
        -- gives the sequence a value: from now on logutriga trusts it
        perform pg_catalog.nextval('pgq.trg_ddl_epoch');
    end if;
end
$$;

-- A queue row change moves the epoch on too, so that the fast path can keep a queue's
-- current table in the table's shape instead of reading the queue row once a
-- transaction (see _trg_queue_table): a rotation, inserts disabled or limited, a queue
-- made, renamed or dropped.  The advisory lock (pgq._lock_key('queue change'), 0),
-- shared among changers and held to the end of the changing transaction, tells a
-- session about to keep a queue's table that a change is not committed yet; the
-- transaction-local setting tells it the change is its own.  Both come before the epoch
-- moves on.  Only while the epoch is in use (the event
-- trigger exists).  ENABLE ALWAYS: pgq_node and Londiste change queue rows in replica
-- sessions.  Security definer for nextval(); the SET clause restores only search_path
-- when the function returns, the transaction-local setting stays.
create or replace function pgq._queue_epoch_bump()
returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
begin
    if pg_catalog.pg_sequence_last_value('pgq.trg_ddl_epoch'::pg_catalog.regclass) is not null then
        perform pg_catalog.pg_advisory_xact_lock_shared(pgq._lock_key('queue change'), 0);
        perform pg_catalog.set_config('pgq.trg_queue_changed', 'on', true);
        perform pg_catalog.nextval('pgq.trg_ddl_epoch'::pg_catalog.regclass);
    end if;
    return null;
end;
$fn$;

drop trigger if exists queue_epoch on pgq.queue;
create trigger queue_epoch
    after insert or delete or truncate
       or update of queue_id, queue_name, queue_ntables, queue_cur_table, queue_data_pfx, queue_event_seq,
                    queue_disable_insert, queue_per_tx_limit
    on pgq.queue for each statement execute function pgq._queue_epoch_bump();
alter table pgq.queue enable always trigger queue_epoch;

-- Waits until every transaction that has read the DDL epoch is over (for pgq_node's
-- demote_root step 2: logutriga's fast path reads the epoch, not pgq.queue, before it
-- writes).  pg_sequence_last_value locks the sequence from its first read to the end of
-- the transaction; ALTER SEQUENCE (a change of nothing) waits for those locks, and the
-- rolled-back block lets its own go at once, so that the caller holds nothing new
-- (taken together with its lock on pgq.queue, it would deadlock with a writer that takes
-- them the other way round; so the caller must not hold pgq.queue yet, either).  Waits no
-- longer than lock_timeout (lock_not_available).
-- Security definer: only the sequence's owner may alter it.
create or replace function pgq._wait_epoch_readers()
returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
begin
    alter sequence pgq.trg_ddl_epoch owned by none;
    raise sqlstate 'PGQ0W';
exception when sqlstate 'PGQ0W' then
    -- the block's rollback let the lock go
end;
$fn$;

-- Without the event trigger: a kept shape is good for one transaction
-- while this backend has changed no row of pg_attribute, pg_index,
-- pg_class, pg_namespace or pg_trigger: another session cannot change
-- the table or its triggers while our row change holds its lock, and our
-- own column, pkey, rename and trigger changes write those catalogs.  (A
-- schema renamed by another session during the transaction is seen from
-- the next one.)  With track_counts off the counters stay put, so then
-- nothing is kept (NULL).
create or replace function pgq._trg_xact_key()
returns text
language sql stable
as $fn$
    select case when pg_catalog.current_setting('track_counts') = 'on' then
           pg_catalog.txid_current()::text || '/'
           || (pg_catalog.pg_stat_get_xact_tuples_inserted(1249)
               + pg_catalog.pg_stat_get_xact_tuples_updated(1249)
               + pg_catalog.pg_stat_get_xact_tuples_deleted(1249)
               + pg_catalog.pg_stat_get_xact_tuples_inserted(2610)
               + pg_catalog.pg_stat_get_xact_tuples_updated(2610)
               + pg_catalog.pg_stat_get_xact_tuples_deleted(2610)
               + pg_catalog.pg_stat_get_xact_tuples_inserted(1259)
               + pg_catalog.pg_stat_get_xact_tuples_updated(1259)
               + pg_catalog.pg_stat_get_xact_tuples_deleted(1259)
               + pg_catalog.pg_stat_get_xact_tuples_inserted(2615)
               + pg_catalog.pg_stat_get_xact_tuples_updated(2615)
               + pg_catalog.pg_stat_get_xact_tuples_deleted(2615)
               + pg_catalog.pg_stat_get_xact_tuples_inserted(2620)
               + pg_catalog.pg_stat_get_xact_tuples_updated(2620)
               + pg_catalog.pg_stat_get_xact_tuples_deleted(2620))::text
           end
$fn$;

drop function if exists pgq._trg_shape_holds(oid, text[], record);


-- ----------------------------------------------------------------------
-- pgq._trg_shape(relid, trigger name)
--
--   What logutriga's fast path needs to know about a table and one of
--   its triggers, as one text of chr(31) separated parts, those every
--   row needs first (the caller puts its key in front of them):
--     the trigger name, followed by chr(2) when the fast path may not
--       serve it (so that the fast path's test of the key fails at once)
--     the trigger's queue when the fast path may serve it (an AFTER ROW
--       trigger with the queue as its only argument, a table without
--       magic _pgq_ev_ columns and without chr(1), chr(2), chr(30) or
--       the separator in its names), else '' (_trg_kept_shape puts
--       chr(30) and the queue's current table after it)
--     ':' and the pkey list (ev_type after its letter)
--     the format() template of the event data ('name%s&name2%s', names
--       urlencoded)
--     schema.table (ev_extra1)
--     the last pkey position (0 without pkey)
--     a regexp matching a row's text up to the comma after that position
--       ('^.*$' when it is the last column or there is no pkey)
--     the 1-based positions of the pkey columns among the live columns,
--       as an int4[] literal
--     the number of live columns
--   Same catalog reading as _trg_fire: the key columns of the PRIMARY
--   KEY, by current name.
-- ----------------------------------------------------------------------
drop function if exists pgq._trg_shape(oid);
create or replace function pgq._trg_shape(i_relid oid, i_tgname text)
returns text
language plpgsql stable
as $fn$
declare
    v_names text[];
    v_nums  int2[];
    v_keys  int2[];
    v_pos   int4[] := '{}';
    v_pkey  text[] := '{}';
    v_num   int2;
    v_fq    text;
    v_queue text;
begin
    select array_agg(a.attname::text order by a.attnum), array_agg(a.attnum order by a.attnum)
      into v_names, v_nums
      from pg_catalog.pg_attribute a
     where a.attrelid = i_relid and a.attnum > 0 and not a.attisdropped;
    select (ix.indkey::int2[])[0 : ix.indnkeyatts - 1]
      into v_keys
      from pg_catalog.pg_index ix
     where ix.indrelid = i_relid and ix.indisprimary;
    select n.nspname || '.' || c.relname
      into v_fq
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.oid = i_relid;
    -- tgtype: ROW is bit 0, BEFORE bit 1, INSTEAD bit 6; the one argument ends in a NUL
    select convert_from(substr(t.tgargs, 1, octet_length(t.tgargs) - 1),
                        pg_catalog.getdatabaseencoding())
      into v_queue
      from pg_catalog.pg_trigger t
     where t.tgrelid = i_relid and t.tgname = i_tgname
       and t.tgnargs = 1 and t.tgtype & 1 = 1 and t.tgtype & 66 = 0;
    if v_names is null or v_queue is null or array_to_string(v_names, ',') ~ '_pgq_ev_'
       or array_to_string(v_names, ',') || v_fq || i_tgname || v_queue ~ E'[\\x01\\x02\\x1e\\x1f]' then
        v_queue := '';
    end if;
    foreach v_num in array coalesce(v_keys, '{}') loop
        v_pos := v_pos || array_position(v_nums, v_num);
        v_pkey := v_pkey || v_names[array_position(v_nums, v_num)];
    end loop;
    return i_tgname || case when v_queue = '' then chr(2) else '' end
           || chr(31) || v_queue
           || chr(31) || ':' || array_to_string(v_pkey, ',')
           || chr(31) || coalesce((select string_agg(replace(pgq._trg_urlencode(c.name), '%', '%%') || '%s', '&' order by c.n)
                                     from unnest(v_names) with ordinality as c(name, n)), '')
           || chr(31) || replace(coalesce(v_fq, ''), chr(31), '')
           || chr(31) || coalesce((select max(p) from unnest(v_pos) as p), 0)
           || chr(31) || coalesce((select format('^\((?:[^,]*,){%s}', max(p)) from unnest(v_pos) as p
                                    having max(p) < cardinality(v_names)), '^.*$')
           || chr(31) || v_pos::text
           || chr(31) || coalesce(cardinality(v_names), 0);
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_keys_differ(old fields, new fields, key positions)
--
--   For _trg_logu_row's UPDATE check when the quick one could not decide:
--   whether any key field differs between the two rows, both in the marked
--   form (fields ended by chr(1)).  True also when the old row could not be
--   split (NULL): then the general path decides.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_keys_differ(i_old text, i_new text, i_keys int4[])
returns boolean
language plpgsql immutable set search_path = pg_catalog, pg_temp
as $fn$
declare
    i int4;
begin
    if i_old is null then
        return true;
    end if;
    foreach i in array i_keys loop
        if split_part(i_old, chr(1), i) <> split_part(i_new, chr(1), i) then
            return true;
        end if;
    end loop;
    return false;
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_queue_table(queue)
--
--   The queue's current table for _trg_kept_shape to keep in a shape, or
--   '' when the fast path must read it once a transaction instead (a
--   transaction above READ COMMITTED: its snapshot may be older than the
--   last change; inserts disabled or limited; no such queue), or NULL when
--   nothing may be kept now: a change of pgq.queue is not committed yet
--   (this session's own, or another's holding the lock _queue_epoch_bump
--   takes).  Sound because every such change moves the epoch on after
--   taking that lock: a change whose move the caller's key already counts
--   is either over before the row is read here (and seen by it) or seen
--   running; a later one moves the epoch past the key.  The lock is only
--   tried, as a transaction lock in a block that is rolled back at once:
--   nothing can leave it held, a writer never waits for a change, and a
--   change waits for a writer only while it tries.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_queue_table(i_queue text)
returns text
language plpgsql set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_free  boolean;
    v_table text;
begin
    if current_setting('transaction_isolation') <> 'read committed' then
        return '';
    end if;
    -- (nested: SQL does not promise left-to-right OR, and this session's own shared lock
    -- would not stop the try)
    if current_setting('pgq.trg_queue_changed', true) = 'on' then
        return null;
    end if;
    begin
        v_free := pg_try_advisory_xact_lock(pgq._lock_key('queue change'), 0);
        raise sqlstate 'PGQ0L';
    exception when sqlstate 'PGQ0L' then
        -- the block's rollback let the lock go
    end;
    if not v_free then
        return null;
    end if;
    select q.queue_cur_table::text into v_table
      from pgq.queue q
     where q.queue_name = i_queue and not q.queue_disable_insert and q.queue_per_tx_limit is null;
    return coalesce(v_table, '');
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_kept_shape(relid, trigger name)
--
--   The shape of a table for one of its triggers, led by its key, from the
--   session setting that keeps it, or made (_trg_shape) and kept when
--   there is none for the current key.  The first trigger of a table to
--   fire keeps its shape in pgq.trg_<table oid>, which _trg_logu_row reads
--   itself; another trigger of the same table (the table in two queues)
--   in pgq.trg_<table oid>_<n>, found here.  NULL when nothing can be kept
--   (no key), and then the general path serves the row.
-- ----------------------------------------------------------------------
create or replace function pgq._trg_kept_shape(i_relid oid, i_tgname text)
returns text
language plpgsql set search_path = pg_catalog, pg_temp
as $fn$
declare
    v_epoch text := pg_catalog.pg_sequence_last_value('pgq.trg_ddl_epoch'::pg_catalog.regclass)::text;
    v_key   text := coalesce(v_epoch, pgq._trg_xact_key());
    v_name  text;
    v_shape text;
    v_parts text[];
    v_table text := '';
    n       int4 := 0;
begin
    -- (a name holding the separator could never be found again)
    if v_key is null or strpos(i_tgname, chr(31)) > 0 then
        return null;
    end if;
    loop
        v_name := 'pgq.trg_' || i_relid::text || case when n = 0 then '' else '_' || n::text end;
        v_shape := current_setting(v_name, true);
        if starts_with(v_shape, v_key || chr(31) || i_tgname || chr(31))
           or starts_with(v_shape, v_key || chr(31) || i_tgname || chr(2) || chr(31)) then
            return v_shape;
        end if;
        -- a free slot, or one kept under an older key: this trigger's from now
        if coalesce(v_shape, '') = '' or not starts_with(v_shape, v_key || chr(31)) then
            -- the queue gets chr(30) and its current table (_trg_queue_table; '' with the
            -- per-transaction key: read once a transaction anyway)
            v_parts := string_to_array(v_key || chr(31) || pgq._trg_shape(i_relid, i_tgname), chr(31));
            if v_parts[3] <> '' then
                if v_epoch is not null then
                    v_table := pgq._trg_queue_table(v_parts[3]);
                end if;
                v_parts[3] := v_parts[3] || chr(30) || coalesce(v_table, '');
            end if;
            v_shape := array_to_string(v_parts, chr(31));
            -- (not kept while a queue change runs: made again for the next row)
            if v_table is not null then
                perform set_config(v_name, v_shape, false);
            end if;
            return v_shape;
        end if;
        n := n + 1;
    end loop;
end;
$fn$;


-- ----------------------------------------------------------------------
-- pgq._trg_marked_fields(row text, columns)
--
--   The text form of a row as logutriga's fast path wants it: fields
--   separated by chr(1), each non-NULL value led by chr(2) (a NULL field
--   is empty, an empty string is chr(2) alone), quotes and escapes gone.
--   The fast path does this inline for rows whose commas all separate;
--   this is the loop for the rest (commas inside quoted values).  NULL
--   when the row holds chr(1) or chr(2), or its field count is not
--   i_columns.
--
--   Splitting record_out's text at '"' gives stretches that alternate
--   between outside and inside quotes; an escaped quote ("") only adds
--   an empty outside stretch, which holds no comma.
--
--   Called by the security definer _trg_logu_row: every name in it is
--   qualified (no SET search_path, which would cost every call).
-- ----------------------------------------------------------------------
create or replace function pgq._trg_marked_fields(i_row pg_catalog.text, i_columns pg_catalog.int4)
returns pg_catalog.text
language plpgsql immutable strict
as $fn$
declare
    v_parts pg_catalog.text[];
    v_res   pg_catalog.text;
    i       pg_catalog.int4;
begin
    if pg_catalog.strpos(i_row, pg_catalog.chr(1)) operator(pg_catalog.>) 0
       or pg_catalog.strpos(i_row, pg_catalog.chr(2)) operator(pg_catalog.>) 0 then
        return null;
    end if;
    v_parts := pg_catalog.string_to_array(pg_catalog.btrim(i_row, '()'), '"');
    for i in 1 .. pg_catalog.cardinality(v_parts) by 2 loop
        v_parts[i] := pg_catalog.replace(v_parts[i], ',', pg_catalog.chr(1));
    end loop;
    v_res := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                 pg_catalog.chr(2) operator(pg_catalog.||)
                 pg_catalog.replace(pg_catalog.array_to_string(v_parts, '"'),
                                    pg_catalog.chr(1), pg_catalog.chr(1) operator(pg_catalog.||) pg_catalog.chr(2))
                 operator(pg_catalog.||) pg_catalog.chr(1),
                 pg_catalog.chr(2) operator(pg_catalog.||) pg_catalog.chr(1), pg_catalog.chr(1)),
                 pg_catalog.chr(2) operator(pg_catalog.||) '"', pg_catalog.chr(2)),
                 '"' operator(pg_catalog.||) pg_catalog.chr(1), pg_catalog.chr(1)),
                 '""', '"'), E'\\\\', E'\\');
    -- (OPERATOR() binds all alike, left to right: hence the parentheses)
    if (pg_catalog.octet_length(v_res) operator(pg_catalog.-) pg_catalog.octet_length(pg_catalog.replace(v_res, pg_catalog.chr(1), '')))
       operator(pg_catalog.<>) i_columns then
        return null;
    end if;
    return v_res;
end;
$fn$;


-- ----------------------------------------------------------------------
-- The trigger functions.
--
-- session_replication_role = 'local' turns them off entirely (before any
-- argument checks), as in C.  An AFTER or statement-level trigger returns
-- NULL; a BEFORE row trigger returns the row unless SKIP was given.
--
-- logutriga has a fast path for the trigger Londiste puts on a root
-- table: an AFTER ROW trigger whose only argument is the queue.  It keeps
-- the table's shape, the trigger's queue (_trg_shape) and the queue's
-- current table (_trg_queue_table) in a session setting, pgq.trg_<table
-- oid>, led by the key it was made under: the DDL epoch (which a queue
-- change moves on too), or without the event trigger the per-transaction
-- key (_trg_xact_key).  A row costs no catalog query and no read of
-- pgq.queue while the key holds.
--
-- Speed: PL/pgSQL compiles a trigger function once per trigger and sets
-- every expression it runs up again in each new transaction (TPC-B
-- changes one row of four tables a transaction): some 3 000 instructions
-- an expression and 500-1 000 more for each function or operator in it,
-- even in a CASE branch not taken; a PL/pgSQL call costs some 10 000.  So
-- the trigger body is one call of _trg_logu_row, one function shared by
-- every trigger, whose set-up is paid once a transaction, and which
-- inserts the event itself (through insert_event it would be one call
-- more and its own set-up): it is generated with static INSERTs per
-- queue table, like insert_event (pgq._regen_trg, run by _regen_insert),
-- and runs as the schema's owner, who may insert into the event tables.
-- As in insert_event every name in it is qualified, so no caller's
-- search_path can put its own operator or type in.  Rare work sits in IF
-- branches, which cost nothing until taken.  The row is read from its
-- text form once.  A plain row (nothing to encode but blanks, ':' and
-- '+', quotes only around blanks: one regexp says so) is split by one
-- replace(); the rest is split the same way when its commas are exactly
-- the separators (else by _trg_marked_fields) and urlencoded in one pass
-- over the whole row, chr(1)/chr(2) standing in for '&'/'='.  format()
-- puts the names in.  Anything the fast path is not sure about (a shape
-- not kept yet, UPDATE/DELETE without pkey, magic columns, a changed pkey
-- value, chr(1)/chr(2) in the data, a queue whose inserts are disabled or
-- limited, or that the generated code does not know) returns NULL, and
-- logutriga goes on to _trg_fire(), the general path, which decides as
-- before.  A shape not kept yet is made and kept (_trg_kept_shape, with
-- its search_path pinned: it runs as the owner there) and looked at once
-- more.
-- ----------------------------------------------------------------------
drop function if exists pgq._trg_logu_row(oid, text, text, text);

-- Whether session_replication_role is 'local', for _trg_logu_row's test: declared
-- immutable so that the planner folds it into the cached plan of that test instead of
-- reading the setting for every row.  Sound because changing session_replication_role
-- flushes every cached plan (PostgreSQL's assign hook for it calls ResetPlanCache), so
-- the next row's test is planned again with the new value.
create or replace function pgq._trg_srr_local()
returns boolean
language sql immutable
as $fn$
    select pg_catalog.current_setting('session_replication_role') operator(pg_catalog.=) 'local'
$fn$;

-- The text of pgq._trg_logu_row with the queues' INSERT branches put in
-- (pgq._regen_trg).  i_shape: a shape _trg_kept_shape has just made or
-- found, trusted without reading the setting again (the second look).
create or replace function pgq._trg_logu_row_sql(i_queues text)
returns text
language sql immutable
as $gen$
select pg_catalog.replace(pg_catalog.replace($tpl$
create or replace function pgq._trg_logu_row(i_relid pg_catalog.oid, i_tgname pg_catalog.name,
                                             i_old pg_catalog.text, i_new pg_catalog.text,
                                             i_shape pg_catalog.text default null)
returns pg_catalog.bool
language plpgsql security definer
as $fn$
-- generated by pgq._regen_trg(): do not edit, it is rewritten on create_queue/drop_queue
declare
    v_shape pg_catalog.text;
    v_data  pg_catalog.text;
    v_key   pg_catalog.text;
    v_old   pg_catalog.text;
    v_todo  pg_catalog.text;
    v_kept  pg_catalog.text;
    v_no    pg_catalog.bool;
    v_type  pg_catalog.text;
    v_extra pg_catalog.text;
begin
    -- the kept shape (see _trg_shape), parts separated by chr(31) and read by
    -- split_part() (cheaper than an array): 1 key, 2 trigger name, 3 its queue,
    -- chr(30) and the queue's current table if kept ('' when not for the fast
    -- path), 4 ':' and the pkey list, 5 template,
    -- 6 schema.table, 7 last pkey position, 8 regexp of the row text up to the
    -- comma after it, 9 pkey positions, 10 columns
    v_shape := coalesce(i_shape, pg_catalog.current_setting('pgq.trg_' operator(pg_catalog.||) i_relid::pg_catalog.text, true));
    -- For the fast path (the same test twice, put in by _trg_logu_row_sql: one of its own
    -- would cost more each transaction than the second test costs the rows that are
    -- not plain): a shape kept under the current epoch for this trigger and for the
    -- fast path (or just checked by _trg_kept_shape), so Londiste's kind of trigger
    -- and table (else _trg_shape marks the name and the key never matches), a pkey for
    -- UPDATE and DELETE (the general path refuses them without), replication role
    -- not local.  (INSERT has no old row, DELETE no new one.)
    -- A plain row: nothing to encode but blanks, ':' and '+'; a field is quoted for
    -- its blanks only (no comma, quote or empty string in it), so every comma
    -- separates and every '"' is a field's quote (a quoted field is followed by a
    -- comma or the closing parenthesis: the lookahead, cheaper in PostgreSQL's regexp
    -- engine than matching the comma, keeps out the doubled quote of an escaped one).
    -- No '=' in such data: it marks the values here (string_to_array turns a lone
    -- '=', a NULL field, into NULL, which format() writes as nothing: the name
    -- alone); the parentheses are only
    -- the row's first and last character (replace(): btrim() would walk the row
    -- character by character in a multibyte database).  UPDATE: the same key when
    -- NEW's text up to the comma after its last key field starts OLD's text too
    -- (split_part() for a key in the first column: a regexp costs more a row);
    -- otherwise the other way below compares field by field.
    if --FAST--
       and coalesce(i_new, i_old) operator(pg_catalog.~) '^\((?:[-_.0-9A-Za-z:+,]|"[-_.0-9A-Za-z:+ ]+"(?=[,)]))*\)$'
       and (i_old is null or i_new is null
            or pg_catalog.starts_with(i_old, case when pg_catalog.split_part(v_shape, pg_catalog.chr(31), 7) operator(pg_catalog.=) '1'
                                                  then pg_catalog.split_part(i_new, ',', 1) operator(pg_catalog.||) ','
                                                  else pg_catalog.substring(i_new, pg_catalog.split_part(v_shape, pg_catalog.chr(31), 8)) end)) then
        v_data := pg_catalog.format(pg_catalog.split_part(v_shape, pg_catalog.chr(31), 5), variadic pg_catalog.string_to_array(
                      pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                          pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(coalesce(i_new, i_old), '(', '='), ',',
                                                                pg_catalog.chr(1) operator(pg_catalog.||) '='), ')', ''),
                          '"', ''), '+', '%2b'), ':', '%3a'), '        ', '++++++++'), ' ', '+'),
                      pg_catalog.chr(1), '='));
    elsif (--FAST--) is not true then
        -- no shape kept for this trigger under the current key yet (and not one that
        -- says the fast path may not serve it): keep it and look once more
        if i_shape is null
           and pg_catalog.starts_with(v_shape, pg_catalog.pg_sequence_last_value('pgq.trg_ddl_epoch'::pg_catalog.regclass)::pg_catalog.text
                                               operator(pg_catalog.||) pg_catalog.chr(31) operator(pg_catalog.||) i_tgname
                                               operator(pg_catalog.||) pg_catalog.chr(2) operator(pg_catalog.||) pg_catalog.chr(31)) is not true then
            return pgq._trg_logu_row(i_relid, i_tgname, i_old, i_new, pgq._trg_kept_shape(i_relid, i_tgname));
        end if;
        return v_no;
    else
        -- the rest.  When every comma separates (none inside quotes) one replace()
        -- splits the row, else the loop of _trg_marked_fields; see there for the
        -- form.  chr(1)/chr(2) in the data itself: general path.
        v_todo := coalesce(i_new, i_old);
        v_data := case when pg_catalog.strpos(v_todo, pg_catalog.chr(1)) operator(pg_catalog.=) 0
                            and pg_catalog.strpos(v_todo, pg_catalog.chr(2)) operator(pg_catalog.=) 0
                            and (pg_catalog.octet_length(v_todo) operator(pg_catalog.-) pg_catalog.octet_length(pg_catalog.replace(v_todo, ',', '')))
                                operator(pg_catalog.=) (pg_catalog.split_part(v_shape, pg_catalog.chr(31), 10)::pg_catalog.int4 operator(pg_catalog.-) 1)
                       then pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                                pg_catalog.chr(2) operator(pg_catalog.||)
                                pg_catalog.replace(pg_catalog.btrim(v_todo, '()'), ',', pg_catalog.chr(1) operator(pg_catalog.||) pg_catalog.chr(2))
                                operator(pg_catalog.||) pg_catalog.chr(1),
                                pg_catalog.chr(2) operator(pg_catalog.||) pg_catalog.chr(1), pg_catalog.chr(1)),
                                pg_catalog.chr(2) operator(pg_catalog.||) '"', pg_catalog.chr(2)),
                                '"' operator(pg_catalog.||) pg_catalog.chr(1), pg_catalog.chr(1)),
                                '""', '"'), E'\\\\', E'\\') end;
        if v_data is null then
            v_data := pgq._trg_marked_fields(v_todo, pg_catalog.split_part(v_shape, pg_catalog.chr(31), 10)::pg_catalog.int4);
            if v_data is null then
                return v_no;
            end if;
        end if;
        -- UPDATE: as above, when the key's stretch holds no quote
        if i_old is not null and i_new is not null then
            v_key := pg_catalog.substring(v_todo, pg_catalog.split_part(v_shape, pg_catalog.chr(31), 8));
            if v_key is null or pg_catalog.strpos(v_key, '"') operator(pg_catalog.>) 0 or not pg_catalog.starts_with(i_old, v_key) then
                v_old := pgq._trg_marked_fields(i_old, pg_catalog.split_part(v_shape, pg_catalog.chr(31), 10)::pg_catalog.int4);
                if pgq._trg_keys_differ(v_old, v_data, pg_catalog.split_part(v_shape, pg_catalog.chr(31), 9)::pg_catalog.int4[]) then
                    return v_no;
                end if;
            end if;
        end if;
        -- urlencode all values at once: '%' first, then each other character
        -- outside [-_.0-9A-Za-z] by one replace() per distinct character (cheaper
        -- to set up in each transaction than a fixed chain), blanks last, then
        -- the value marks become '=' and format() puts the names in
        v_data := pg_catalog.replace(v_data, '%', '%25');
        v_todo := pg_catalog.regexp_replace(v_data, E'[-_.0-9A-Za-z%\\x01\\x02 ]+', '', 'g');
        while v_todo operator(pg_catalog.<>) '' loop
            v_key := pg_catalog.left(v_todo, 1);
            v_todo := pg_catalog.replace(v_todo, v_key, '');
            v_data := pg_catalog.replace(v_data, v_key, pg_catalog.regexp_replace(pg_catalog.encode(
                          pg_catalog.convert_to(v_key, pg_catalog.getdatabaseencoding()), 'hex'), '(..)', E'%\\1', 'g'));
        end loop;
        v_data := pg_catalog.format(pg_catalog.split_part(v_shape, pg_catalog.chr(31), 5), variadic pg_catalog.string_to_array(
                      pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(v_data, '        ', '++++++++'), ' ', '+'),
                                         pg_catalog.chr(2), '='),
                      pg_catalog.chr(1)));
    end if;

    -- ev_type and ev_extra1 in expressions of their own, not in the INSERT: the
    -- executor sets an INSERT's values up again for every row, an expression only
    -- once a transaction (docs/decisions.md)
    v_type := case when i_old is null then 'I' when i_new is null then 'D' else 'U' end
              operator(pg_catalog.||) pg_catalog.split_part(v_shape, pg_catalog.chr(31), 4);
    v_extra := pg_catalog.split_part(v_shape, pg_catalog.chr(31), 6);
    -- the event, straight into the queue's current table: the one kept in the
    -- shape (_trg_queue_table), else the one kept for the transaction in
    -- pgq.insert_<queue id> as insert_event keeps it (read from the queue row
    -- first when nothing is kept yet).  A queue that may refuse an insert
    -- (disabled, a limit) is left to insert_event, through the general path.
--QUEUES--
    return v_no;
end;
$fn$;
$tpl$, '--FAST--', $fast$(i_shape is not null and pg_catalog.split_part(i_shape, pg_catalog.chr(31), 3) operator(pg_catalog.<>) ''
        or pg_catalog.starts_with(v_shape, pg_catalog.pg_sequence_last_value('pgq.trg_ddl_epoch'::pg_catalog.regclass)::pg_catalog.text
                                           operator(pg_catalog.||) pg_catalog.chr(31) operator(pg_catalog.||) i_tgname
                                           operator(pg_catalog.||) pg_catalog.chr(31)))
       and (i_old is null or pg_catalog.split_part(v_shape, pg_catalog.chr(31), 4) operator(pg_catalog.<>) ':')
       and not pgq._trg_srr_local()$fast$), '--QUEUES--', i_queues)
$gen$;

-- One queue's branches of _trg_logu_row (the first queue's opens the IF, the last is
-- closed by _regen_trg): one for each of its tables, taken when the shape keeps that
-- table as the current one (queue, chr(30), table number: _trg_kept_shape), then the one
-- for a shape that keeps none (queue and chr(30)), which reads the current table once a
-- transaction.  i_fast and i_kept: the INSERTs (_trg_table_insert) for both.
drop function if exists pgq._trg_queue_branch(boolean, text, int4, text);
create or replace function pgq._trg_queue_branch(i_first boolean, i_queue_name text, i_queue_id int4,
    i_fast text, i_kept text)
returns text language sql immutable as $gen$
select pg_catalog.format(E'%s'
    || E'\n    elsif pg_catalog.split_part(v_shape, pg_catalog.chr(31), 3) operator(pg_catalog.=) (%L operator(pg_catalog.||) E''\\x1e'') then'
    || E'\n        v_kept := pg_catalog.current_setting(%L, true);'
    || E'\n        if coalesce(v_kept, '''') operator(pg_catalog.=) '''' then'
    || E'\n            select q.queue_cur_table::pg_catalog.text into v_kept from pgq.queue q'
    || E'\n             where q.queue_id operator(pg_catalog.=) %s and not q.queue_disable_insert and q.queue_per_tx_limit is null;'
    || E'\n            if not found then'
    || E'\n                return v_no;'
    || E'\n            end if;'
    || E'\n            v_kept := pg_catalog.set_config(%L, v_kept, true);'
    || E'\n        end if;%s'
    || E'\n        end if;',
    case when i_first then pg_catalog.regexp_replace(i_fast, E'^(\\s*)elsif', E'\\1if') else i_fast end,
    i_queue_name, 'pgq.insert_' || i_queue_id, i_queue_id,
    'pgq.insert_' || i_queue_id, pg_catalog.regexp_replace(i_kept, E'^(\\s*)elsif', E'\\1if'))
$gen$;

-- One event table's INSERT in a queue's branches, under the test i_test (an ELSIF).
drop function if exists pgq._trg_table_insert(boolean, int4, text, text);
create or replace function pgq._trg_table_insert(i_test text, i_indent text, i_event_table text, i_event_seq text)
returns text language sql immutable as $gen$
select pg_catalog.replace(pg_catalog.format(E'\n    elsif %s then'
    || E'\n        insert into %s (ev_id, ev_time, ev_owner, ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)'
    || E'\n        values (pg_catalog.nextval(%L::pg_catalog.regclass), pg_catalog.now(), null, null,'
    || E'\n                v_type, v_data, v_extra, null, null, null);'
    || E'\n        return found;',
    i_test, i_event_table, i_event_seq), E'\n', E'\n' || i_indent)
$gen$;

-- (Re)writes pgq._trg_logu_row for the queues that exist: called by _regen_insert on
-- create_queue / drop_queue and below.
create or replace function pgq._regen_trg()
returns void
language plpgsql
as $gen$
declare
    q        record;
    i        int4;
    v_table  text;
    v_fast   text;
    v_kept   text;
    v_queues text := '';
begin
    -- (a queue without tables gets no branch: insert_event says what is wrong with it)
    for q in select queue_id, queue_name, queue_data_pfx, queue_event_seq, queue_ntables
               from pgq.queue where queue_ntables > 0 order by queue_id loop
        v_fast := '';
        v_kept := '';
        for i in 0 .. q.queue_ntables - 1 loop
            v_table := pgq.quote_fqname(q.queue_data_pfx || '_' || i);
            v_fast := v_fast || pgq._trg_table_insert(
                format($$pg_catalog.split_part(v_shape, pg_catalog.chr(31), 3) operator(pg_catalog.=) (%L operator(pg_catalog.||) E'\x1e%s')$$,
                       q.queue_name, i), '', v_table, pgq.quote_fqname(q.queue_event_seq));
            v_kept := v_kept || pgq._trg_table_insert(format('v_kept operator(pg_catalog.=) %L', i), '    ',
                                                      v_table, pgq.quote_fqname(q.queue_event_seq));
        end loop;
        v_queues := v_queues || pgq._trg_queue_branch(v_queues = '', q.queue_name, q.queue_id, v_fast, v_kept);
    end loop;
    if v_queues <> '' then
        v_queues := v_queues || E'\n    end if;';
    end if;
    execute pgq._trg_logu_row_sql(v_queues);
end;
$gen$;

do $$ begin perform pgq._regen_trg(); end $$;

create or replace function pgq.logutriga()
returns trigger
language plpgsql
as $fn$
declare
    v_none record;
begin
    -- (RETURN of a variable evaluates no expression: cheaper than RETURN NULL)
    if pgq._trg_logu_row(TG_RELID, TG_NAME, OLD::pg_catalog.text, NEW::pg_catalog.text) then
        return v_none;
    end if;

    -- nested IFs: SQL does not promise left-to-right AND evaluation
    if pg_catalog.current_setting('session_replication_role') <> 'local' then
        if pgq._trg_fire('L', TG_OP, TG_WHEN, TG_LEVEL, TG_RELID, TG_TABLE_SCHEMA,
                         TG_TABLE_NAME, TG_ARGV, OLD, NEW) then
            return null;
        end if;
    end if;
    if TG_WHEN = 'AFTER' or TG_LEVEL = 'STATEMENT' then
        return null;
    elsif TG_OP = 'DELETE' then
        return OLD;
    end if;
    return NEW;
end;
$fn$;

create or replace function pgq.jsontriga()
returns trigger
language plpgsql
as $fn$
begin
    -- nested IFs: SQL does not promise left-to-right AND evaluation
    if current_setting('session_replication_role') <> 'local' then
        if pgq._trg_fire('J', TG_OP, TG_WHEN, TG_LEVEL, TG_RELID, TG_TABLE_SCHEMA,
                         TG_TABLE_NAME, TG_ARGV, OLD, NEW) then
            return null;
        end if;
    end if;
    if TG_WHEN = 'AFTER' or TG_LEVEL = 'STATEMENT' then
        return null;
    elsif TG_OP = 'DELETE' then
        return OLD;
    end if;
    return NEW;
end;
$fn$;

create or replace function pgq.sqltriga()
returns trigger
language plpgsql
as $fn$
begin
    -- nested IFs: SQL does not promise left-to-right AND evaluation
    if current_setting('session_replication_role') <> 'local' then
        if pgq._trg_fire('S', TG_OP, TG_WHEN, TG_LEVEL, TG_RELID, TG_TABLE_SCHEMA,
                         TG_TABLE_NAME, TG_ARGV, OLD, NEW) then
            return null;
        end if;
    end if;
    if TG_WHEN = 'AFTER' or TG_LEVEL = 'STATEMENT' then
        return null;
    elsif TG_OP = 'DELETE' then
        return OLD;
    end if;
    return NEW;
end;
$fn$;
