package io.camelskytools.walmgr.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * walmgr_archive.sh run by /bin/sh as PostgreSQL runs archive_command (from the data
 * directory, %p relative to it), read back through {@link WalArchive}: what it stores is
 * what the Java archive would, and it refuses what it must.
 */
class ArchiveCommandTest {

    private static final String SEG = "000000010000000000000003";

    @TempDir
    Path tmp;

    private WalArchive archive;
    private Path dataDir;

    @BeforeEach
    void install() throws Exception {
        archive = WalArchive.open(Files.createDirectories(tmp.resolve("it's 100% odd")));
        ArchiveCommand.install(archive);
        dataDir = Files.createDirectories(tmp.resolve("data").resolve("pg_wal")).getParent();
    }

    @Test
    void storesTheSegmentAndItsChecksumAsTheJavaArchiveDoes() throws Exception {
        byte[] seg = segment((byte) 3);
        Files.write(dataDir.resolve("pg_wal").resolve(SEG), seg);
        Run r = run(ArchiveCommand.build(archive, false), "pg_wal/" + SEG, SEG);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Files.readAllBytes(archive.find(SEG).orElseThrow())).isEqualTo(seg);
        assertThat(archive.recordedChecksum(SEG)).contains(archive.computeChecksum(archive.find(SEG).orElseThrow()));
        assertThat(archive.fileNames()).containsExactly(SEG, SEG + ".sha256");
        try (var all = Files.list(archive.walDir())) {
            assertThat(all.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder(SEG, SEG + ".sha256");
        }

        Run again = run(ArchiveCommand.build(archive, false), "pg_wal/" + SEG, SEG);
        assertThat(again.exit()).as("the same content again").isZero();
        assertThat(again.stderr()).contains("already archived with the same content");

        Files.write(dataDir.resolve("pg_wal").resolve(SEG), segment((byte) 4));
        Run differs = run(ArchiveCommand.build(archive, false), "pg_wal/" + SEG, SEG);
        assertThat(differs.exit()).isEqualTo(1);
        assertThat(differs.stderr()).contains(SEG).contains("refusing to overwrite");
        assertThat(Files.readAllBytes(archive.find(SEG).orElseThrow())).as("kept").isEqualTo(seg);
    }

    @Test
    void compressesSegmentsButNotHistoryFilesAndKeepsTheChecksumOfTheContent() throws Exception {
        byte[] seg = segment((byte) 5);
        Files.write(dataDir.resolve("pg_wal").resolve(SEG), seg);
        Files.writeString(dataDir.resolve("pg_wal").resolve("00000002.history"), "1\t0/3000000\tno reason\n");
        assertThat(run(ArchiveCommand.build(archive, true), "pg_wal/" + SEG, SEG).exit()).isZero();
        assertThat(run(ArchiveCommand.build(archive, true), "pg_wal/00000002.history", "00000002.history").exit())
                .isZero();
        assertThat(archive.find(SEG).orElseThrow().toString()).endsWith(".gz");
        try (var in = archive.openContent(archive.find(SEG).orElseThrow())) {
            assertThat(in.readAllBytes()).isEqualTo(seg);
        }
        assertThat(archive.recordedChecksum(SEG)).contains(archive.computeChecksum(archive.find(SEG).orElseThrow()));
        assertThat(archive.find("00000002.history").orElseThrow().toString()).endsWith(".history");
    }

    @Test
    void refusesWhatIsNotAWalFileOrIsMissingAndChecksWhoCanWrite() throws Exception {
        Run bad = run(ArchiveCommand.build(archive, false), "pg_wal/postgresql.conf", "postgresql.conf");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.stderr()).contains("not a WAL file name");
        Run missing = run(ArchiveCommand.build(archive, false), "pg_wal/" + SEG, SEG);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.stderr()).contains("missing");
        assertThat(archive.fileNames()).isEmpty();

        Process p = new ProcessBuilder("/bin/sh", archive.root().resolve(ArchiveCommand.SCRIPT).toString(), "--check")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("can write " + archive.walDir());
    }

    private record Run(int exit, String stderr) {
    }

    /** archive_command as PostgreSQL runs it: %p, %f and %% replaced, from the data directory. */
    private Run run(String archiveCommand, String path, String name) throws Exception {
        String sh = archiveCommand.replace("%p", path).replace("%f", name).replace("%%", "%");
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", sh)).directory(dataDir.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEmpty();
        return new Run(p.exitValue(), err);
    }

    private static byte[] segment(byte fill) {
        byte[] b = new byte[1 << 20];
        Arrays.fill(b, fill);
        return b;
    }
}
