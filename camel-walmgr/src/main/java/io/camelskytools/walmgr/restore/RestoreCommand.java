package io.camelskytools.walmgr.restore;

import java.nio.file.Path;

/**
 * The restore_command that hands WAL from a {@link io.camelskytools.walmgr.archive.WalArchive}
 * directory to recovery, as a plain /bin/sh command (no JVM per segment):
 * <ol>
 * <li>{@code wal/NAME}: copied;</li>
 * <li>{@code wal/NAME.gz}: decompressed;</li>
 * <li>else, when serving partials, {@code wal/NAME.partial} (the segment the streaming
 *     archiver is still filling): copied and padded with zeros to a whole segment, since
 *     recovery rejects a short file; replay ends at the first zero, i.e. at the last byte
 *     the archiver flushed (walmgr's "boot" using partial WAL). If the archiver completes the
 *     segment just as we look, the completed file is taken instead;</li>
 * <li>else exit 1: "not in the archive" (recovery ends, or a standby tries streaming).</li>
 * </ol>
 * The archive path is single-quoted for the shell and its % signs doubled for PostgreSQL.
 */
public final class RestoreCommand {

    private RestoreCommand() {
    }

    public static String build(Path walDir, long segmentSize, boolean servePartial) {
        String a = shellQuote(walDir.toAbsolutePath().normalize().toString()).replace("%", "%%");
        StringBuilder b = new StringBuilder()
                .append("a=").append(a).append("; f=%f; ")
                .append("if [ -f \"$a/$f\" ]; then cp \"$a/$f\" \"%p\"; ")
                .append("elif [ -f \"$a/$f.gz\" ]; then gzip -dc \"$a/$f.gz\" > \"%p\"; ");
        if (servePartial) {
            b.append("elif [ -f \"$a/$f.partial\" ]; then { cp \"$a/$f.partial\" \"%p\" || cp \"$a/$f\" \"%p\"; } && truncate -s ")
                    .append(segmentSize).append(" \"%p\"; ");
        }
        return b.append("else exit 1; fi").toString();
    }

    /** 'text' for /bin/sh, a ' inside written as '\''. */
    public static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
