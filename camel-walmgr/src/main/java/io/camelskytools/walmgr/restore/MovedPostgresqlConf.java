package io.camelskytools.walmgr.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A postgresql.conf that lived outside the data directory, made fit to sit inside a restored
 * one: the settings that point at the original's files (its data directory, its hba and
 * ident files, its pid file) or at files beside it (includes, usually relative to /etc) are
 * commented out, so the restored server uses its own directory and does not fail on a
 * missing include. Everything else stays as it was.
 */
record MovedPostgresqlConf(String text, List<String> leftOut) {

    private static final Pattern PATH_SETTING = Pattern.compile(
            "^\\s*(data_directory|hba_file|ident_file|external_pid_file|include_dir|include_if_exists|include)(?=\\s|=|')",
            Pattern.CASE_INSENSITIVE);

    static final String MARK = "# walmgr restore left out: ";

    static MovedPostgresqlConf of(String original) {
        StringBuilder out = new StringBuilder(original.length() + 128);
        List<String> leftOut = new ArrayList<>();
        for (String line : original.split("\n", -1)) {
            Matcher m = PATH_SETTING.matcher(line);
            if (m.find()) {
                String key = m.group(1).toLowerCase(Locale.ROOT);
                if (!leftOut.contains(key)) {
                    leftOut.add(key);
                }
                out.append(MARK).append(line);
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        out.setLength(out.length() - 1);
        return new MovedPostgresqlConf(out.toString(), List.copyOf(leftOut));
    }
}
