package io.camelskytools.walmgr.restore;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** Where recovery stops; each kind becomes PostgreSQL's matching recovery_target setting. */
public sealed interface RecoveryTarget {

    /** Replay all the WAL there is (a standby: keep following). No target setting. */
    static RecoveryTarget latest() {
        return new Latest();
    }

    /** Stop as soon as the backup is consistent (recovery_target = 'immediate'). */
    static RecoveryTarget immediate() {
        return new Immediate();
    }

    static RecoveryTarget time(Instant at) {
        return new Time(at);
    }

    static RecoveryTarget lsn(long lsn) {
        return new Lsn(lsn);
    }

    /** A restore point made with pg_create_restore_point(name). */
    static RecoveryTarget name(String restorePoint) {
        return new Name(restorePoint);
    }

    /** The setting that names this target, none for latest. */
    Map<String, String> settings();

    record Latest() implements RecoveryTarget {
        @Override
        public Map<String, String> settings() {
            return Map.of();
        }
    }

    record Immediate() implements RecoveryTarget {
        @Override
        public Map<String, String> settings() {
            return Map.of("recovery_target", "immediate");
        }
    }

    record Time(Instant at) implements RecoveryTarget {
        private static final DateTimeFormatter PG =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

        public Time {
            if (at == null) {
                throw new IllegalArgumentException("No recovery target time given");
            }
        }

        @Override
        public Map<String, String> settings() {
            return Map.of("recovery_target_time", PG.format(at));
        }
    }

    record Lsn(long lsn) implements RecoveryTarget {
        @Override
        public Map<String, String> settings() {
            return Map.of("recovery_target_lsn", io.camelskytools.walmgr.wal.Lsn.format(lsn));
        }
    }

    record Name(String restorePoint) implements RecoveryTarget {
        public Name {
            if (restorePoint == null || restorePoint.isEmpty() || restorePoint.length() > 63) {
                throw new IllegalArgumentException("Restore point name must be 1-63 characters, not '" + restorePoint + "'");
            }
        }

        @Override
        public Map<String, String> settings() {
            return Map.of("recovery_target_name", restorePoint);
        }
    }
}
