package io.camelskytools.londiste.handler;

/** A value in COPY text format: {@code \N} for NULL, backslash, tab, newline and CR escaped. */
final class CopyText {

    private CopyText() {
    }

    static void field(StringBuilder out, String v) {
        if (v == null) {
            out.append("\\N");
            return;
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
    }
}
