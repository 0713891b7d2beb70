package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore_command run by /bin/sh exactly as PostgreSQL would (its %f, %p and %% put in
 * first), against an archive whose path needs quoting.
 */
class RestoreCommandTest {

    private static final long SEGMENT = 1L << 20;

    @TempDir
    Path tmp;

    @Test
    void servesPlainGzippedAndPaddedPartialSegmentsAndSaysNoOtherwise() throws Exception {
        Path wal = Files.createDirectories(tmp.resolve("it's 100% \"odd\" $HOME").resolve("wal"));
        byte[] seg = filled((int) SEGMENT, (byte) 7);
        Files.write(wal.resolve("000000010000000000000001"), seg);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(wal.resolve("000000010000000000000002.gz")))) {
            out.write(filled((int) SEGMENT, (byte) 8));
        }
        Files.write(wal.resolve("000000010000000000000003.partial"), filled(1000, (byte) 9));
        Files.write(wal.resolve("00000002.history"), "1\t0/3000000\tno reason\n".getBytes());
        String cmd = RestoreCommand.build(wal, SEGMENT, true);

        assertThat(run(cmd, "000000010000000000000001")).isEqualTo(seg);
        assertThat(run(cmd, "000000010000000000000002")).isEqualTo(filled((int) SEGMENT, (byte) 8));
        byte[] padded = run(cmd, "000000010000000000000003");
        assertThat(padded).hasSize((int) SEGMENT);
        assertThat(Arrays.copyOf(padded, 1000)).isEqualTo(filled(1000, (byte) 9));
        assertThat(Arrays.copyOfRange(padded, 1000, (int) SEGMENT)).containsOnly((byte) 0);
        assertThat(run(cmd, "00000002.history")).asString().startsWith("1\t0/3000000");
        assertThat(run(cmd, "000000010000000000000004")).as("missing segment").isNull();
        assertThat(run(cmd, "00000003.history")).as("missing history").isNull();
        assertThat(run(RestoreCommand.build(wal, SEGMENT, false), "000000010000000000000003")).as("partials off").isNull();
    }

    /** The file the command left at %p, or null when it exited non-zero. */
    private byte[] run(String restoreCommand, String name) throws Exception {
        Path target = tmp.resolve("RECOVERYXLOG");
        Files.deleteIfExists(target);
        String sh = restoreCommand.replace("%f", name).replace("%p", target.toString()).replace("%%", "%");
        Process p = new ProcessBuilder("/bin/sh", "-c", sh).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            assertThat(p.exitValue()).as("exit of %s: %s", sh, out).isEqualTo(1);
            return null;
        }
        return Files.readAllBytes(target);
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
