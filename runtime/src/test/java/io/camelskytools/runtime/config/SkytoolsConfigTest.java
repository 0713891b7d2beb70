package io.camelskytools.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The file gives keys, the environment overrides them, and an empty variable unsets one. */
class SkytoolsConfigTest {

    private static SkytoolsConfig config(Map<String, String> env, String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return new SkytoolsConfig(p, env, "test");
    }

    @Test
    void environmentOverridesTheFileAndAnEmptyVariableUnsetsTheKey() {
        SkytoolsConfig c = config(Map.of("SKYTOOLS_WALMGR_SLOT", " other ", "SKYTOOLS_WALMGR_STANDBY_URL", ""),
                "skytools.walmgr.slot", "walmgr",
                "skytools.walmgr.standby.url", "jdbc:postgresql://127.0.0.1:5433/postgres",
                "skytools.walmgr.archive", "  ",
                "skytools.walmgr.keep-backups", "3");
        assertThat(c.get("skytools.walmgr.slot")).isEqualTo("other");
        assertThat(c.get("skytools.walmgr.standby.url")).isNull();
        assertThat(c.get("skytools.walmgr.archive")).as("blank in the file").isNull();
        assertThat(c.get("skytools.walmgr.keep-backups")).isEqualTo("3");
    }

    @Test
    void aDatabaseWhoseUrlTheEnvironmentBlanksIsLeftOut() {
        SkytoolsConfig c = config(Map.of("SKYTOOLS_DB_OLD_URL", "", "SKYTOOLS_DB_NEW_URL", "jdbc:postgresql://db2/app"),
                "skytools.db.old.url", "jdbc:postgresql://db1/app",
                "skytools.db.main.url", "jdbc:postgresql://db0/app");
        assertThat(c.databases()).containsOnlyKeys("main", "new");
        assertThat(c.databases().get("new").url()).isEqualTo("jdbc:postgresql://db2/app");
    }

    @Test
    void sizesCountBytesWithBinaryUnits() {
        SkytoolsConfig c = config(Map.of(), "a", "65536", "b", "512kB", "c", "1MB", "d", "2 MiB", "e", "1g", "f", "lots",
                "g", "0");
        assertThat(c.bytes("a", 1)).isEqualTo(65536);
        assertThat(c.bytes("b", 1)).isEqualTo(512 * 1024);
        assertThat(c.bytes("c", 1)).isEqualTo(1024 * 1024);
        assertThat(c.bytes("d", 1)).isEqualTo(2 * 1024 * 1024);
        assertThat(c.bytes("e", 1)).isEqualTo(1024L * 1024 * 1024);
        assertThat(c.bytes("unset", 7)).isEqualTo(7);
        assertThatThrownBy(() -> c.bytes("f", 1)).hasMessage("f must be a size like 65536, 512kB or 1MB, not 'lots'");
        assertThatThrownBy(() -> c.bytes("g", 1)).hasMessageContaining("g must be a positive size");
    }
}
