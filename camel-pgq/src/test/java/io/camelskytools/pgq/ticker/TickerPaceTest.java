package io.camelskytools.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the ticker calls the database, on a clock the test moves (milliseconds as nanos). */
class TickerPaceTest {

    private static final long MS = 1_000_000L;
    private final TickerPace pace = new TickerPace(250 * MS, 1000 * MS);

    @Test
    void anIdleDatabaseIsCalledOncePerIdlePeriod() {
        long t = 5_000 * MS;
        assertThat(pace.due(t)).as("the first run calls").isTrue();
        pace.called(t, 0);
        assertThat(pace.due(t + 10 * MS)).isFalse();
        assertThat(pace.due(t + 249 * MS)).isFalse();
        assertThat(pace.due(t + 250 * MS)).isTrue();
    }

    @Test
    void aDatabaseThatTickedIsCalledAtEveryRunForASecond() {
        long t = 0;
        pace.called(t, 0);
        pace.called(t + 250 * MS, 1);
        for (long ms = 260; ms < 1250; ms += 10) {
            assertThat(pace.due(t + ms * MS)).as("run at %d ms", ms).isTrue();
            pace.called(t + ms * MS, 0);
        }
        assertThat(pace.due(t + 1260 * MS)).as("a second without a tick: idle again").isFalse();
        assertThat(pace.due(t + 1490 * MS)).isTrue();
    }

    @Test
    void aFailedCallWaitsAnIdlePeriod() {
        pace.called(0, 3);
        pace.failed(100 * MS);
        assertThat(pace.due(110 * MS)).as("still busy from the last tick").isTrue();
        TickerPace down = new TickerPace(250 * MS, 1000 * MS);
        down.failed(0);
        assertThat(down.due(100 * MS)).isFalse();
        assertThat(down.due(250 * MS)).isTrue();
    }
}
