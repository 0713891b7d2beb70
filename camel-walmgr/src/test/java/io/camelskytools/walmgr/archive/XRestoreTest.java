package io.camelskytools.walmgr.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restore_command: archived files as stored, the streamed partial padded to a whole segment, and "not here". */
class XRestoreTest {

    private static final long SIZE = WalSegment.DEFAULT_SIZE;
    private static final String DONE = "000000010000000000000002";
    private static final String FILLING = "000000010000000000000003";

    @TempDir
    Path dir;

    private WalArchive archive(boolean compress) throws Exception {
        WalArchive archive = WalArchive.open(Files.createDirectories(dir.resolve("archive")));
        Path segment = dir.resolve(DONE);
        byte[] content = new byte[(int) SIZE];
        Arrays.fill(content, 0, 1000, (byte) 7);
        Files.write(segment, content);
        archive.store(segment, DONE, compress);
        Files.write(archive.partialPath(FILLING), new byte[] {1, 2, 3});
        return archive;
    }

    @Test
    void aCompletedSegmentIsCopiedAsArchived() throws Exception {
        Path dest = dir.resolve("pg_wal").resolve("RECOVERYXLOG");
        Files.createDirectories(dest.getParent());
        assertThat(new XRestore(archive(true), true).restore(DONE, dest)).isTrue();
        assertThat(Files.mismatch(dest, dir.resolve(DONE))).as("decompressed, byte for byte").isEqualTo(-1L);
        assertThat(Files.list(dest.getParent())).as("no temporary file left").containsExactly(dest);
    }

    @Test
    void thePartialSegmentIsPaddedToTheArchivesSegmentSize() throws Exception {
        Path dest = dir.resolve("RECOVERYXLOG");
        assertThat(new XRestore(archive(false), true).restore(FILLING, dest)).isTrue();
        byte[] restored = Files.readAllBytes(dest);
        assertThat(restored).hasSize((int) SIZE);
        assertThat(Arrays.copyOf(restored, 4)).containsExactly(1, 2, 3, 0);
    }

    @Test
    void whatTheArchiveDoesNotHaveIsNotCopied() throws Exception {
        WalArchive archive = archive(false);
        Path dest = dir.resolve("RECOVERYXLOG");
        assertThat(new XRestore(archive, false).restore(FILLING, dest)).as("partials not served").isFalse();
        assertThat(new XRestore(archive, true).restore("000000010000000000000009", dest)).isFalse();
        assertThat(new XRestore(archive, true).restore("00000002.history", dest)).isFalse();
        assertThat(dest).doesNotExist();
    }

    @Test
    void aDamagedSegmentIsRefusedNamingIt() throws Exception {
        WalArchive archive = archive(false);
        byte[] content = Files.readAllBytes(archive.find(DONE).orElseThrow());
        content[500] ^= 1;
        Files.write(archive.find(DONE).orElseThrow(), content);
        Path dest = dir.resolve("RECOVERYXLOG");
        assertThatThrownBy(() -> new XRestore(archive, true).restore(DONE, dest))
                .isInstanceOf(WalArchiveException.class).hasMessageContaining(DONE).hasMessageContaining("checksum mismatch");
        assertThat(dest).doesNotExist();
        assertThat(dest.resolveSibling("RECOVERYXLOG.walmgr-tmp")).doesNotExist();
    }
}
