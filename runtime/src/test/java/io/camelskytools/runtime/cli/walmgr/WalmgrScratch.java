package io.camelskytools.runtime.cli.walmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a walmgr command test works with, all gone after each test: a scratch directory in
 * /tmp owned by postgres (restored servers keep their sockets and logs there), the primary,
 * and the servers restored from its backups.
 */
final class WalmgrScratch implements AfterEachCallback {

    private final String prefix;
    private final List<Path> restored = new ArrayList<>();
    private SystemPgServer primary;
    private Path dir;

    WalmgrScratch(String prefix) {
        this.prefix = prefix;
    }

    /** The scratch directory, made on first use. */
    Path dir() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
            sh("chown", "postgres:postgres", dir.toString());
        }
        return dir;
    }

    /** Debian's PostgreSQL 15 as the primary, with these settings. */
    SystemPgServer startPrimary(String... settings) {
        primary = SystemPgServer.start(PgTestConfig.bin(), settings);
        return primary;
    }

    /** pg_ctl start of a restored data directory on {@code port}, its log beside it. */
    void startRestored(Path data, int port) throws Exception {
        restored.add(data);
        SystemPgServer.asPostgres(PgTestConfig.bin() + "/pg_ctl", "-D", data.toString(), "-l",
                data.resolveSibling(data.getFileName() + ".log").toString(), "-o",
                "-p " + port + " -k " + dir() + " -c listen_addresses=127.0.0.1", "start");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (Path data : restored) {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                SystemPgServer.asPostgres(PgTestConfig.bin() + "/pg_ctl", "-D", data.toString(), "-m", "immediate",
                        "-w", "stop");
            }
        }
        if (primary != null) {
            primary.close();
        }
        if (dir != null) {
            sh("rm", "-rf", dir.toString());
        }
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
    }
}
