package io.camelskytools.walmgr.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Segment names as PostgreSQL spells them, across the 4 GB "xlogid" boundary and for other segment sizes. */
class WalSegmentTest {

    private static final long MB16 = 16L * 1024 * 1024;

    @Test
    void namesFollowPostgres() {
        assertThat(WalSegment.containing(1, Lsn.parse("0/3000148"), MB16).fileName(MB16))
                .isEqualTo("000000010000000000000003");
        // 256 segments of 16 MB per xlogid: FF is the last one, then the xlogid goes up
        assertThat(new WalSegment(1, 255).fileName(MB16)).isEqualTo("0000000100000000000000FF");
        assertThat(new WalSegment(1, 255).next().fileName(MB16)).isEqualTo("000000010000000100000000");
        assertThat(WalSegment.containing(2, Lsn.parse("1/0"), MB16).fileName(MB16)).isEqualTo("000000020000000100000000");
        // 64 MB segments: 64 per xlogid
        long mb64 = 64L * 1024 * 1024;
        assertThat(new WalSegment(1, 64).fileName(mb64)).isEqualTo("000000010000000100000000");
    }

    @Test
    void parsingIsTheInverse() {
        for (long segno : new long[] {0, 1, 255, 256, 4097, 1L << 32}) {
            WalSegment s = new WalSegment(3, segno);
            assertThat(WalSegment.parse(s.fileName(MB16), MB16)).isEqualTo(s);
        }
        assertThat(new WalSegment(1, 256).startLsn(MB16)).isEqualTo(Lsn.parse("1/0"));
    }

    @Test
    void badNamesAndSizesAreNamed() {
        assertThatThrownBy(() -> WalSegment.parse("00000001000000000000010", MB16)).hasMessageContaining("00000001000000000000010");
        assertThatThrownBy(() -> WalSegment.parse("000000010000000000000100", MB16))
                .hasMessageContaining("does not fit 16777216-byte segments");
        assertThatThrownBy(() -> WalSegment.checkSize(3_000_000)).hasMessageContaining("3000000");
        assertThatThrownBy(() -> Lsn.parse("16B3748")).hasMessageContaining("16B3748");
        assertThat(Lsn.format(Lsn.parse("16/B374D848"))).isEqualTo("16/B374D848");
        assertThat(WalFileNames.isArchivable("00000002.history")).isTrue();
        assertThat(WalFileNames.isArchivable("000000010000000000000003.00000028.backup")).isTrue();
        assertThat(WalFileNames.isArchivable("000000010000000000000003.partial")).isTrue();
        assertThat(WalFileNames.isArchivable("000000010000000000000003.gz")).isFalse();
    }
}
