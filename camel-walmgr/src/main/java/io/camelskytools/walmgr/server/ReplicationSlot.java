package io.camelskytools.walmgr.server;

/**
 * A physical replication slot as pg_replication_slots shows it.
 *
 * @param name       the slot's name
 * @param active     a WAL sender (an archiver, a standby) is reading from it now
 * @param restartLsn the oldest WAL it keeps on the server, -1 when it keeps none
 * @param keptBytes  how much WAL the server keeps for it (from restartLsn to the server's position), 0 when none
 */
public record ReplicationSlot(String name, boolean active, long restartLsn, long keptBytes) {

    /** A slot nothing reads keeps WAL on the server until its disk fills: said, with how much. */
    public java.util.Optional<String> unreadWarning() {
        if (active) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("nothing reads replication slot " + name + ": the primary keeps "
                                     + (keptBytes >> 20) + " MB of WAL for it, and more as it writes");
    }
}
