package io.camelskytools.walmgr.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BackupManifestTest {

    private final BackupManifest m = new BackupManifest("b1", "odd\\label\twith\nbreaks", -4321L, 150010, 16L << 20, 2,
            0x1_0200_0028L, 0x1_0200_0138L, Instant.parse("2026-11-25T01:30:00.123456Z"),
            Instant.parse("2026-11-25T01:30:04Z"), "/var/lib/pg data", Map.of(16384, "/srv/fast space"),
            List.of(ManifestEntry.directory("data"), ManifestEntry.file("data/a file", 3, "ab".repeat(32)),
                    ManifestEntry.directory("tablespaces"), ManifestEntry.file("tablespaces/16384/x", 5, "cd".repeat(32))));

    @Test
    void readsBackWhatItWrites() {
        String text = m.toText();
        assertThat(text).contains("start-segment 000000020000000100000002\n").contains("end 2 8\n")
                .contains("label odd\\\\label\\twith\\nbreaks\n").contains("file 3 " + "ab".repeat(32) + " data/a file\n");
        assertThat(BackupManifest.parse(text, "test")).isEqualTo(m);
    }

    @Test
    void aTruncatedManifestIsRefused() {
        String text = m.toText();
        assertThatThrownBy(() -> BackupManifest.parse(text.substring(0, text.indexOf("end ")), "here/manifest"))
                .isInstanceOf(BackupException.class).hasMessageContaining("here/manifest").hasMessageContaining("no end line");
        assertThatThrownBy(() -> BackupManifest.parse(text.replace("end 2 8", "end 3 8"), "m"))
                .isInstanceOf(BackupException.class).hasMessageContaining("end line says 3 8");
    }
}
