package io.camelskytools.runtime.bench;

import java.io.PrintWriter;

/** How the benchmarks show where a long step is: one line rewritten in place. */
final class BenchConsole {

    private BenchConsole() {
    }

    /** "bench: WHAT 12,000/200,000" on one line, rewritten until done, then ended. */
    static void progress(PrintWriter out, String what, long done, long total) {
        out.printf("\rbench: %s %,d/%,d", what, done, total);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
