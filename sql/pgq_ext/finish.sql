-- Last step of install and upgrade: bring older tables up to date.
do $$
begin
    perform pgq_ext.upgrade_schema();
end
$$;
