-- Last step of install and upgrade: bring older installs up to date and regenerate
-- the insert functions for the queues that exist.
do $$
begin
    perform pgq.upgrade_schema();
    perform pgq._regen_insert();
end
$$;
