-- Last step of install and upgrade: bring older installs up to date and regenerate
-- the insert functions for the queues that exist.
select pgq.upgrade_schema();
select pgq._regen_insert();
