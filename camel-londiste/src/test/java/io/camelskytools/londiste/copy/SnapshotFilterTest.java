package io.camelskytools.londiste.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SnapshotFilterTest {

    @Test
    void seesWhatCommittedBeforeTheSnapshotOnly() {
        SnapshotFilter f = SnapshotFilter.parse("100:105:101,103");
        assertThat(f.sees(99)).isTrue();
        assertThat(f.sees(100)).isTrue();
        assertThat(f.sees(101)).isFalse();
        assertThat(f.sees(102)).isTrue();
        assertThat(f.sees(103)).isFalse();
        assertThat(f.sees(105)).isFalse();
        assertThat(SnapshotFilter.parse("7:7:").sees(6)).isTrue();
        assertThat(SnapshotFilter.parse(null)).isNull();
        assertThatThrownBy(() -> SnapshotFilter.parse("1:2")).hasMessageContaining("xmin:xmax:xip_list");
    }
}
