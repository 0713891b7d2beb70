-- Last step of install and upgrade: bring tables of an older install up to date.
do $$
begin
    perform pgq_node.upgrade_schema();
end
$$;
