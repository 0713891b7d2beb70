package io.camelskytools.walmgr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import io.camelskytools.walmgr.support.WalServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slots, WAL senders and the primary's position as `walmgr setup`, `stop`, `cleanup`,
 * `status` and `synch-standby` read and change them, with a real archiver reading a slot.
 */
@Tag("needs-debian")
class ReplicationTest {

    @TempDir
    Path dir;

    @Test
    void aSlotIsCreatedReservingWalFoundAndDropped() throws Exception {
        try (WalServer server = WalServer.start(); Connection c = server.connect()) {
            ReplicationSlots slots = new ReplicationSlots(c);
            assertThat(slots.find("walmgr_s")).isEmpty();

            slots.createPhysical("walmgr_s");
            ReplicationSlot slot = slots.find("walmgr_s").orElseThrow();
            assertThat(slot.name()).isEqualTo("walmgr_s");
            assertThat(slot.active()).isFalse();
            assertThat(slot.restartLsn()).as("WAL reserved at once").isEqualTo(server.slotRestartLsn("walmgr_s"))
                    .isPositive();

            slots.drop("walmgr_s");
            assertThat(slots.find("walmgr_s")).isEmpty();
            assertThatThrownBy(() -> slots.drop("walmgr_s")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("walmgr_s");
            assertThat(slots.dropIfIdle("walmgr_s")).as("nothing to drop").isFalse();
        }
    }

    @Test
    void aSlotInUseIsActiveAndNotDroppedIfIdleAndItsReaderStreams() throws Exception {
        try (WalServer server = WalServer.start(); Connection c = server.connect()) {
            PrimaryStatus primary = PrimaryStatus.read(c);
            assertThat(primary.timeline()).isEqualTo(1);
            assertThat(primary.walSegmentSize()).isEqualTo(WalServer.SEGMENT_SIZE);
            assertThat(primary.currentLsn()).isPositive().isLessThanOrEqualTo(server.currentLsn());
            assertThat(WalSenders.streaming(c)).isEmpty();

            ReplicationSlots slots = new ReplicationSlots(c);
            StreamingArchiver archiver = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null),
                    WalArchive.open(dir), ArchiverSettings.defaults().withSlot("walmgr_busy"), (f, end) -> { });
            archiver.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> archiver.status().streaming()
                        && slots.find("walmgr_busy").map(ReplicationSlot::active).orElse(false));
                assertThat(slots.dropIfIdle("walmgr_busy")).isFalse();
                assertThat(slots.find("walmgr_busy")).isPresent();
                await().atMost(Duration.ofSeconds(20)).until(() -> WalSenders.streaming(c).contains("walmgr"));
            } finally {
                archiver.stop();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !slots.find("walmgr_busy").orElseThrow().active());
            assertThat(slots.dropIfIdle("walmgr_busy")).isTrue();
            assertThat(slots.find("walmgr_busy")).isEmpty();
        }
    }
}
