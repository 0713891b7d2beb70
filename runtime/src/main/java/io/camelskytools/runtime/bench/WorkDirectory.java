package io.camelskytools.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** The temporary directories the benchmarks work in (an embedded server's data, WAL archives). */
final class WorkDirectory {

    private WorkDirectory() {
    }

    /** Deletes the directory and everything in it, deepest first. */
    static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            List<Path> deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : deepestFirst) {
                Files.deleteIfExists(p);
            }
        }
    }
}
