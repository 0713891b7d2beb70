package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore_command run by /bin/sh exactly as PostgreSQL would (from the data directory,
 * its %f, %p and %% put in first), against an archive whose path needs quoting: what it hands
 * out, and that a damaged or missing segment never reaches recovery as "the end of the archive".
 */
class RestoreCommandTest {

    private static final long SEGMENT = 1L << 20;

    @TempDir
    Path tmp;

    private Path dataDir;
    private Path wal;

    @BeforeEach
    void writeScript() throws Exception {
        dataDir = Files.createDirectories(tmp.resolve("data"));
        Files.createDirectories(dataDir.resolve("pg_wal"));
        RestoreCommand.writeScript(dataDir);
        wal = Files.createDirectories(tmp.resolve("it's 100% \"odd\" $HOME").resolve("wal"));
    }

    @Test
    void servesPlainGzippedAndPaddedPartialSegmentsAndSaysNoOtherwise() throws Exception {
        byte[] seg = filled((int) SEGMENT, (byte) 7);
        archive(wal, "000000010000000000000001", seg, true);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(wal.resolve("000000010000000000000002.gz")))) {
            out.write(filled((int) SEGMENT, (byte) 8));
        }
        record(wal, "000000010000000000000002", filled((int) SEGMENT, (byte) 8));
        Files.write(wal.resolve("000000010000000000000003.partial"), filled(1000, (byte) 9));
        archive(wal, "00000002.history", "1\t0/3000000\tno reason\n".getBytes(), true);
        String cmd = RestoreCommand.build(wal, List.of(), SEGMENT, true, false);

        assertThat(run(cmd, "000000010000000000000001").file()).isEqualTo(seg);
        assertThat(run(cmd, "000000010000000000000002").file()).isEqualTo(filled((int) SEGMENT, (byte) 8));
        byte[] padded = run(cmd, "000000010000000000000003").file();
        assertThat(padded).hasSize((int) SEGMENT);
        assertThat(Arrays.copyOf(padded, 1000)).isEqualTo(filled(1000, (byte) 9));
        assertThat(Arrays.copyOfRange(padded, 1000, (int) SEGMENT)).containsOnly((byte) 0);
        assertThat(run(cmd, "00000002.history").file()).asString().startsWith("1\t0/3000000");
        assertThat(run(cmd, "000000010000000000000004").exit()).as("missing segment").isEqualTo(1);
        assertThat(run(cmd, "00000003.history").exit()).as("missing history").isEqualTo(1);
        assertThat(run(RestoreCommand.build(wal, List.of(), SEGMENT, false, false), "000000010000000000000003").exit())
                .as("partials off").isEqualTo(1);
        try (var left = Files.list(dataDir.resolve("pg_wal"))) {
            assertThat(left).as("no temporary file left").isEmpty();
        }
    }

    @Test
    void aSegmentThatDoesNotMatchItsChecksumStopsRecoveryNamingIt() throws Exception {
        String name = "000000010000000000000005";
        byte[] good = filled((int) SEGMENT, (byte) 5);
        record(wal, name, good);
        byte[] flipped = good.clone();
        flipped[4000] ^= 1;
        Files.write(wal.resolve(name), flipped);
        String cmd = RestoreCommand.build(wal, List.of(), SEGMENT, true, false);

        Run r = run(cmd, name);
        assertThat(r.exit()).as("fatal for PostgreSQL (above 125)").isEqualTo(RestoreCommand.STOP_RECOVERY);
        assertThat(r.file()).as("nothing handed to recovery").isNull();
        assertThat(r.stderr()).contains(name).contains("checksum mismatch").contains("recovery stops here");
        assertThat(dataDir.resolve("pg_wal")).isEmptyDirectory();

        Run allowed = run(RestoreCommand.build(wal, List.of(), SEGMENT, true, true), name);
        assertThat(allowed.exit()).as("--allow-gap: recovery ends before it").isEqualTo(1);
        assertThat(allowed.file()).isNull();

        Files.write(dataDir.resolve("standby.signal"), new byte[0]);
        Run standby = run(cmd, name);
        assertThat(standby.exit()).as("a standby tries streaming instead").isEqualTo(1);
        assertThat(standby.stderr()).contains("waits for streaming");
    }

    @Test
    void aGoodCopyElsewhereIsTakenInsteadOfTheDamagedOne() throws Exception {
        String name = "000000010000000000000006";
        byte[] good = filled((int) SEGMENT, (byte) 6);
        archive(wal, name, good, true);
        Files.write(wal.resolve(name), filled((int) SEGMENT, (byte) 66));
        Path badCopy = Files.createDirectories(tmp.resolve("copy1"));
        Files.write(badCopy.resolve(name), filled((int) SEGMENT, (byte) 67));
        Path goodCopy = Files.createDirectories(tmp.resolve("copy2"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(goodCopy.resolve(name + ".gz")))) {
            out.write(good);
        }
        Run r = run(RestoreCommand.build(wal, List.of(badCopy, goodCopy), SEGMENT, true, false), name);
        assertThat(r.exit()).isZero();
        assertThat(r.file()).as("checked against the archive's record, not the copy's").isEqualTo(good);
        assertThat(r.stderr()).contains("using the good copy in " + goodCopy);
    }

    @Test
    void aMissingSegmentBeforeLaterWalIsAGapNotTheEnd() throws Exception {
        archive(wal, "000000010000000000000007", filled(100, (byte) 1), true);
        archive(wal, "000000010000000000000009", filled(100, (byte) 1), true);
        String cmd = RestoreCommand.build(wal, List.of(), SEGMENT, true, false);

        Run gap = run(cmd, "000000010000000000000008");
        assertThat(gap.exit()).isEqualTo(RestoreCommand.STOP_RECOVERY);
        assertThat(gap.stderr()).contains("000000010000000000000008 is missing").contains("000000010000000000000009");
        assertThat(run(cmd, "00000001000000000000000A").exit()).as("past the newest: the end").isEqualTo(1);
        assertThat(run(cmd, "000000020000000000000007").exit()).as("held on another timeline").isEqualTo(1);
        assertThat(run(cmd, "000000020000000000000008").exit()).as("later WAL is on an older timeline only")
                .isEqualTo(1);
        assertThat(run(RestoreCommand.build(wal, List.of(), SEGMENT, true, true), "000000010000000000000008").exit())
                .as("--allow-gap").isEqualTo(1);
    }

    @Test
    void aFileWithoutARecordedChecksumIsServedWithAWarning() throws Exception {
        Files.write(wal.resolve("00000001000000000000000B"), filled(100, (byte) 11));
        Run r = run(RestoreCommand.build(wal, List.of(), SEGMENT, true, false), "00000001000000000000000B");
        assertThat(r.exit()).isZero();
        assertThat(r.file()).isEqualTo(filled(100, (byte) 11));
        assertThat(r.stderr()).contains("no recorded checksum");
    }

    private record Run(int exit, byte[] file, String stderr) {
    }

    /** Runs the command as PostgreSQL does: from the data directory, %p = pg_wal/RECOVERYXLOG. */
    private Run run(String restoreCommand, String name) throws Exception {
        Path target = dataDir.resolve("pg_wal").resolve("RECOVERYXLOG");
        Files.deleteIfExists(target);
        String sh = restoreCommand.replace("%f", name).replace("%p", "pg_wal/RECOVERYXLOG").replace("%%", "%");
        Process p = new ProcessBuilder("/bin/sh", "-c", sh).directory(dataDir.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("nothing on stdout").isEmpty();
        byte[] file = p.exitValue() == 0 ? Files.readAllBytes(target) : null;
        if (p.exitValue() != 0) {
            assertThat(target).doesNotExist();
        }
        Files.deleteIfExists(target);
        return new Run(p.exitValue(), file, err);
    }

    /** The file and its checksum sidecar, as WalArchive writes them. */
    private static void archive(Path dir, String name, byte[] content, boolean withChecksum) throws Exception {
        Files.write(dir.resolve(name), content);
        if (withChecksum) {
            record(dir, name, content);
        }
    }

    private static void record(Path dir, String name, byte[] content) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.writeString(dir.resolve(name + ".sha256"), sha + "  " + name + "\n");
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
