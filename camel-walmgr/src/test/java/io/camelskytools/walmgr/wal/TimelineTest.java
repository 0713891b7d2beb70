package io.camelskytools.walmgr.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Timelines in WAL file names and in history files, as PostgreSQL writes them. */
class TimelineTest {

    @Test
    void everyArchivedNameStartsWithItsTimeline() {
        assertThat(Timeline.ofFileName("0000000A0000000100000003")).isEqualTo(10);
        assertThat(Timeline.ofFileName("000000020000000000000004.partial")).isEqualTo(2);
        assertThat(Timeline.ofFileName("000000030000000000000002.00000028.backup")).isEqualTo(3);
        assertThat(Timeline.ofFileName("0000001F.history")).isEqualTo(31);
        assertThat(Timeline.ofFileName("FFFFFFFF0000000000000001")).as("the largest, as a 32-bit id").isEqualTo(-1);
    }

    @Test
    void namesAreWrittenWithEightUpperCaseDigits() {
        assertThat(Timeline.hex(10)).isEqualTo("0000000A");
        assertThat(WalFileNames.historyFile(31)).isEqualTo("0000001F.history");
        assertThat(new WalSegment(10, 3).fileName(WalSegment.DEFAULT_SIZE)).isEqualTo("0000000A0000000000000003");
        assertThat(Timeline.ofFileName(WalFileNames.historyFile(12345))).isEqualTo(12345);
    }

    @Test
    void aNameWithoutATimelineIsNamed() {
        assertThatThrownBy(() -> Timeline.ofFileName("0001")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0001");
        assertThatThrownBy(() -> Timeline.ofFileName("backup_label")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backup_label");
    }

    @Test
    void aHistoryFileSaysWhereEachAncestorEnded() {
        byte[] content = ("1\t0/3000148\tno recovery target specified\n"
                          + "\n"
                          + "2\t1/A0\tat restore point \"before\"\n").getBytes(StandardCharsets.UTF_8);
        TimelineHistory h = TimelineHistory.parse(3, content);
        assertThat(h.entries()).containsExactly(new TimelineHistory.Entry(1, Lsn.parse("0/3000148")),
                new TimelineHistory.Entry(2, Lsn.parse("1/A0")));
        assertThat(h.switchPoint(1)).contains(Lsn.parse("0/3000148"));
        assertThat(h.switchPoint(3)).as("its own timeline has not ended").isEmpty();
        assertThat(h.successorOf(1)).isEqualTo(2);
        assertThat(h.successorOf(2)).isEqualTo(3);
        assertThatThrownBy(() -> h.successorOf(5)).hasMessageContaining("5").hasMessageContaining("timeline 3");
        assertThatThrownBy(() -> TimelineHistory.parse(4, "1\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("bad line");
    }
}
