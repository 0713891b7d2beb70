package io.camelskytools.walmgr.backup;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.camelskytools.walmgr.wal.Timeline;

/** The few facts walmgr reads from the backup_label text pg_backup_stop returns. */
final class BackupLabel {

    private static final Pattern START = Pattern.compile("(?m)^START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) \\(file ([0-9A-F]{24})\\)");
    private static final Pattern TIMELINE = Pattern.compile("(?m)^START TIMELINE: ([0-9]+)");

    private BackupLabel() {
    }

    /** The backup's timeline: START TIMELINE, or the first 8 digits of the start WAL file's name. */
    static int timeline(String labelFile) {
        Matcher t = TIMELINE.matcher(labelFile);
        if (t.find()) {
            return Integer.parseInt(t.group(1));
        }
        Matcher s = START.matcher(labelFile);
        if (s.find()) {
            return Timeline.ofFileName(s.group(2));
        }
        throw new BackupException("backup_label from the server has no START TIMELINE nor START WAL LOCATION line:\n"
                                  + labelFile);
    }
}
