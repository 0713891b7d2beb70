package io.camelskytools.londiste.apply;

/** A value in COPY text format: {@code \N} for NULL, backslash, tab, newline and CR escaped. */
public final class CopyText {

    private CopyText() {
    }

    /** Appends {@code v} as a COPY text field; returns {@code out} for the next append. */
    public static StringBuilder field(StringBuilder out, String v) {
        if (v == null) {
            return out.append("\\N");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }
}
