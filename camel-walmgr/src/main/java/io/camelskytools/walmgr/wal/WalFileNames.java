package io.camelskytools.walmgr.wal;

import java.util.regex.Pattern;

/** The kinds of file PostgreSQL hands to archive_command, told apart by name. */
public final class WalFileNames {

    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
    private static final Pattern BACKUP = Pattern.compile("[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup");
    private static final Pattern PARTIAL = Pattern.compile("[0-9A-F]{24}\\.partial");

    private WalFileNames() {
    }

    public static boolean isHistory(String name) {
        return HISTORY.matcher(name).matches();
    }

    public static boolean isBackupLabel(String name) {
        return BACKUP.matcher(name).matches();
    }

    public static boolean isPartial(String name) {
        return PARTIAL.matcher(name).matches();
    }

    /** Anything archive_command may be given: segment, .partial, .history, .backup. */
    public static boolean isArchivable(String name) {
        return WalSegment.isSegmentName(name) || isHistory(name) || isBackupLabel(name) || isPartial(name);
    }

    public static String historyFile(int timeline) {
        return Timeline.hex(timeline) + ".history";
    }
}
