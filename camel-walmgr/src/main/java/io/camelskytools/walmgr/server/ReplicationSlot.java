package io.camelskytools.walmgr.server;

/**
 * A physical replication slot as pg_replication_slots shows it.
 *
 * @param name       the slot's name
 * @param active     a WAL sender (an archiver, a standby) is reading from it now
 * @param restartLsn the oldest WAL it keeps on the server, -1 when it keeps none
 */
public record ReplicationSlot(String name, boolean active, long restartLsn) {
}
