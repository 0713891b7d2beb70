-- Last step of install and upgrade: bring tables of an older install up to date, the
-- table_info trigger and the roles (the grants that follow need them).
do $$
begin
    perform londiste.upgrade_schema();
end
$$;
