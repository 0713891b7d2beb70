package io.camelskytools.pgq.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL from the system's binaries (Debian: /usr/lib/postgresql/15/bin), so the
 * real Skytools packages (CREATE EXTENSION pgq) are available. PostgreSQL refuses to
 * run as root, so as root every command goes through {@code runuser -u postgres}.
 */
public final class SystemPgServer implements PgServer {

    private static final String RUNUSER = "/usr/sbin/runuser";

    private final String bin;
    private final Path dir;
    private final int port;
    private volatile boolean stopped;

    private SystemPgServer(String bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    public static SystemPgServer start(String bin, String... extraSettings) {
        if (!Files.isExecutable(Path.of(bin, "initdb"))) {
            throw new IllegalStateException("No PostgreSQL binaries in " + bin
                    + " (set -Dpgtest.bin, or install postgresql-15: .ci/run does)");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "pgtest-");
            if (isRoot()) {
                exec(List.of("chown", "postgres:postgres", dir.toString()));
            }
            int port = FreePort.find();
            Path data = dir.resolve("data");
            asPostgres(bin + "/initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--no-sync", "--locale=C");
            StringBuilder opts = new StringBuilder("-p " + port + " -k " + dir
                    + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            for (String s : extraSettings) {
                opts.append(" -c ").append(s);
            }
            asPostgres(bin + "/pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                    "-o", opts.toString(), "start");
            return new SystemPgServer(bin, dir, port);
        } catch (IOException e) {
            if (dir != null) {
                deleteQuietly(dir);
            }
            throw new UncheckedIOException("Could not start PostgreSQL from " + bin, e);
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String binDir() {
        return bin;
    }

    @Override
    public Path dataDir() {
        return dir.resolve("data");
    }

    /** The directory that holds the data directory, the log and the socket. */
    public Path baseDir() {
        return dir;
    }

    @Override
    public String describe() {
        return "system PostgreSQL (" + bin + ") on port " + port;
    }

    /** pg_ctl stop with the given mode (fast, immediate). */
    public void stop(String mode) {
        try {
            asPostgres(bin + "/pg_ctl", "-D", dataDir().toString(), "-m", mode, "-w", "stop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Start again after {@link #stop}, same port. */
    public void restart() {
        try {
            asPostgres(bin + "/pg_ctl", "-D", dataDir().toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            asPostgres(bin + "/pg_ctl", "-D", dataDir().toString(), "-m", "immediate", "-w", "stop");
        } catch (IOException e) {
            // already down; the directory still goes
        } finally {
            deleteQuietly(dir);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a command as the postgres OS user (directly when we are not root). */
    public static String asPostgres(String... cmd) throws IOException {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of(RUNUSER, "-u", "postgres", "--"));
        }
        full.addAll(List.of(cmd));
        return exec(full);
    }

    private static String exec(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("Timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted: " + cmd, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " exited with " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    private static void deleteQuietly(Path dir) {
        try {
            exec(List.of("rm", "-rf", dir.toString()));
        } catch (IOException e) {
            // nothing more we can do
        }
    }
}
