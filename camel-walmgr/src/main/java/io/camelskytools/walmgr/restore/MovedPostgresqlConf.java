package io.camelskytools.walmgr.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A postgresql.conf that lived outside the data directory, made fit to sit inside a restored
 * one. Commented out: the settings that point at the original's files (its data directory,
 * hba and ident files, pid file) or at files beside it (includes, usually relative to /etc),
 * so the restored server uses its own directory and does not fail on a missing include; its
 * cluster_name, so the copy does not pass for the original in ps and as a standby's
 * application_name; and whatever postgresql.auto.conf sets anyway (the port given with
 * --set), so the file does not show a value that is not in force. Everything else stays.
 */
record MovedPostgresqlConf(String text, List<String> leftOut) {

    private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)(?=\\s|=|')");

    private static final Set<String> ORIGINALS_OWN = Set.of("data_directory", "hba_file", "ident_file",
            "external_pid_file", "include_dir", "include_if_exists", "include", "cluster_name");

    static final String LEFT_OUT = "# walmgr restore left out: ";
    static final String OVERRIDDEN = "# walmgr restore: set in postgresql.auto.conf: ";

    /** @param autoConf the settings the restore writes to postgresql.auto.conf */
    static MovedPostgresqlConf of(String original, Set<String> autoConf) {
        StringBuilder out = new StringBuilder(original.length() + 256);
        List<String> leftOut = new ArrayList<>();
        for (String line : original.split("\n", -1)) {
            Matcher m = SETTING.matcher(line);
            String key = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
            if (key != null && ORIGINALS_OWN.contains(key)) {
                if (!leftOut.contains(key)) {
                    leftOut.add(key);
                }
                out.append(LEFT_OUT).append(line);
            } else if (key != null && autoConf.contains(key)) {
                out.append(OVERRIDDEN).append(line);
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        out.setLength(out.length() - 1);
        return new MovedPostgresqlConf(out.toString(), List.copyOf(leftOut));
    }
}
