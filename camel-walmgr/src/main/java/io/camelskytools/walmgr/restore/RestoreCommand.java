package io.camelskytools.walmgr.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The restore_command that hands WAL from a {@link io.camelskytools.walmgr.archive.WalArchive}
 * to recovery: a /bin/sh script ({@value #SCRIPT}, no JVM per segment) written into the
 * restored data directory, where PostgreSQL runs the command. The script hands out a file
 * only when its content matches the archive's recorded SHA-256, taking it from the archive
 * or else from the first copy directory with a good one; the streamed {@code .partial}
 * (padded with zeros, where replay ends) when serving partials; and stops recovery (exit
 * 200, which PostgreSQL takes as fatal) on a segment damaged everywhere or missing before
 * later WAL, unless a standby or allowed to end at a gap. Paths are single-quoted for the
 * shell and their % signs doubled for PostgreSQL.
 */
public final class RestoreCommand {

    /** The script's name in the data directory. */
    public static final String SCRIPT = "walmgr_restore.sh";

    /** Its exit code for "recovery must not go on": PostgreSQL treats codes above 125 as fatal. */
    public static final int STOP_RECOVERY = 200;

    private RestoreCommand() {
    }

    /**
     * @param walDir      the archive's wal/ directory, whose .sha256 records are the truth
     * @param copies      more directories holding copies of the archived WAL files, tried in order
     * @param segmentSize padding for a partial segment
     * @param allowGap    a damaged or missing segment ends recovery (exit 1) instead of stopping it
     */
    public static String build(Path walDir, List<Path> copies, long segmentSize, boolean servePartial,
                               boolean allowGap) {
        StringBuilder b = new StringBuilder("/bin/sh ").append(SCRIPT).append(" %f %p");
        if (servePartial) {
            b.append(" --partial ").append(segmentSize);
        }
        if (allowGap) {
            b.append(" --allow-gap");
        }
        b.append(' ').append(quoted(walDir));
        for (Path c : copies) {
            b.append(' ').append(quoted(c));
        }
        return b.toString();
    }

    /** Writes the script into a data directory (replacing an older one). */
    public static Path writeScript(Path dataDir) throws IOException {
        Path p = dataDir.resolve(SCRIPT);
        Files.writeString(p, script());
        return p;
    }

    /** The script's text. */
    public static String script() {
        try (InputStream in = RestoreCommand.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SCRIPT + " is missing from the walmgr jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoted(Path p) {
        return shellQuote(p.toAbsolutePath().normalize().toString()).replace("%", "%%");
    }

    /** 'text' for /bin/sh, a ' inside written as '\''. */
    public static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
