package io.camelskytools.walmgr.verify;

import java.util.List;

/**
 * What verify found between {@code first} and {@code last} (segment names; null when the
 * archive holds no segment).
 *
 * @param checked    segments present and read
 * @param missing    names of the files that should be there and are not (segments, .history)
 * @param corrupted  files that are there but wrong, each with the reason
 */
public record VerifyReport(String first, String last, long segmentSize, int checked, List<String> missing,
                           List<Problem> corrupted) {

    /** A file that is present but wrong. */
    public record Problem(String name, String reason) {
        @Override
        public String toString() {
            return name + ": " + reason;
        }
    }

    public boolean ok() {
        return missing.isEmpty() && corrupted.isEmpty();
    }

    /** One line: the verdict and counts; the names follow when something is wrong. */
    public String summary() {
        if (first == null) {
            return "archive holds no WAL segment" + (missing.isEmpty() ? "" : "; missing " + missing);
        }
        return (ok() ? "OK" : "FAILED") + ": " + checked + " segments " + first + " .. " + last + " checked"
               + (missing.isEmpty() ? "" : "; missing " + missing.size() + ": " + missing)
               + (corrupted.isEmpty() ? "" : "; corrupted " + corrupted.size() + ": " + corrupted);
    }

    @Override
    public String toString() {
        return summary();
    }
}
