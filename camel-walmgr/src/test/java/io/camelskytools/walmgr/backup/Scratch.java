package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A work directory under /tmp that the postgres OS user can use too (JUnit's @TempDir is
 * root's 0700 when we run as root, which postgres cannot enter). Removed on close.
 */
public final class Scratch implements AutoCloseable {

    private final Path dir;

    private Scratch(Path dir) {
        this.dir = dir;
    }

    public static Scratch create(String prefix) {
        try {
            Path d = Files.createTempDirectory(Path.of("/tmp"), prefix);
            Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Scratch s = new Scratch(d);
            s.giveToPostgres(d);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** A new directory owned by postgres (when we are root). */
    public Path newDir(String name) {
        try {
            Path d = Files.createDirectories(dir.resolve(name));
            giveToPostgres(d);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** chown -R postgres:postgres when we are root, so server processes can write there. */
    public void giveToPostgres(Path p) {
        if (isRoot()) {
            Os.run("chown", "-R", "postgres:postgres", p.toString());
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public void close() {
        Os.run("rm", "-rf", dir.toString());
    }
}
