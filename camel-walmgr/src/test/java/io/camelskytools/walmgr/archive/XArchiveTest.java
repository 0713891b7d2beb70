package io.camelskytools.walmgr.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import io.camelskytools.walmgr.support.WalServer;
import io.camelskytools.walmgr.verify.ArchiveVerifier;
import io.camelskytools.walmgr.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** archive_command mode on real segments: durable, checksummed, idempotent, never overwritten. */
@Tag("needs-debian")
class XArchiveTest {

    static WalServer server;
    static String segment;

    @TempDir
    Path dir;

    @BeforeAll
    static void finishedSegment() throws Exception {
        server = WalServer.start();
        server.writeSegments(1);
        segment = server.queryString("select pg_walfile_name(pg_current_wal_lsn() - 1)");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void storesTheSegmentWithItsChecksum() throws Exception {
        Path source = server.walFile(segment);
        ArchivedFile f = new XArchive(WalArchive.open(dir), false).archive(source, segment);

        Path stored = dir.resolve("wal").resolve(segment);
        assertThat(f.existed()).isFalse();
        assertThat(f.path()).isEqualTo(stored);
        assertThat(Files.readAllBytes(stored)).isEqualTo(Files.readAllBytes(source));
        String sha = Sha256.of(new ByteArrayInputStream(Files.readAllBytes(source)));
        assertThat(Files.readString(dir.resolve("wal").resolve(segment + ".sha256"), StandardCharsets.US_ASCII))
                .as("sha256sum format").isEqualTo(sha + "  " + segment + "\n");
        assertThat(Files.list(dir.resolve("wal")).map(p -> p.getFileName().toString()))
                .as("no temporary file left").noneMatch(n -> n.startsWith(".tmp."));
    }

    @Test
    void sameContentTwiceIsAcceptedAndDifferentContentIsRefused() throws Exception {
        Path source = server.walFile(segment);
        XArchive x = new XArchive(WalArchive.open(dir), false);
        x.archive(source, segment);
        assertThat(x.archive(source, segment).existed()).as("second archive of the same file").isTrue();
        assertThat(XArchive.run(dir, false, source.toString(), segment)).as("exit code, same content").isZero();

        byte[] other = Files.readAllBytes(source);
        other[100_000] ^= 0x40;
        Path forged = dir.resolve("forged");
        Files.write(forged, other);
        assertThatThrownBy(() -> x.archive(forged, segment))
                .isInstanceOf(WalArchiveException.class)
                .hasMessageContaining(dir.resolve("wal").resolve(segment).toString())
                .hasMessageContaining(forged.toString())
                .hasMessageContaining("refusing to overwrite");
        assertThat(XArchive.run(dir, false, forged.toString(), segment)).as("exit code, different content").isEqualTo(1);
        assertThat(Files.readAllBytes(dir.resolve("wal").resolve(segment))).as("archived copy untouched")
                .isEqualTo(Files.readAllBytes(source));
    }

    @Test
    void compressesAndVerifies() throws Exception {
        Path source = server.walFile(segment);
        assertThat(XArchive.run(dir, true, source.toString(), segment)).isZero();
        Path gz = dir.resolve("wal").resolve(segment + ".gz");
        assertThat(gz).exists();
        assertThat(Files.size(gz)).isLessThan(Files.size(source));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(source));
        }
        VerifyReport report = new ArchiveVerifier(WalArchive.open(dir)).verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.checked()).isEqualTo(1);
        // archiving it again, uncompressed this time, is the same content
        assertThat(XArchive.run(dir, false, source.toString(), segment)).isZero();
    }

    @Test
    void refusesWhatIsNotAWalFile() throws Exception {
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "x");
        assertThatThrownBy(() -> new XArchive(WalArchive.open(dir), false).archive(junk, "postgresql.conf"))
                .hasMessageContaining("Not a WAL file name").hasMessageContaining("postgresql.conf");
        assertThat(XArchive.run(dir, false, dir.resolve("nope").toString(), segment)).isEqualTo(1);
    }
}
