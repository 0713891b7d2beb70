package io.camelskytools.walmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.archive.WalArchiveException;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.ArchiverStartException;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import io.camelskytools.walmgr.support.WalServer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each mistake a user can make in the setup gives one error that names it. */
@Tag("needs-debian")
class BadConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void missingArchiveDirectory() {
        Path missing = dir.resolve("no-such-archive");
        assertThatThrownBy(() -> WalArchive.open(missing))
                .isInstanceOf(WalArchiveException.class)
                .hasMessage("WAL archive directory " + missing + " does not exist (create it first)");
        assertThat(missing).doesNotExist();
    }

    @Test
    void archiveDirectoryIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> WalArchive.open(file)).hasMessageContaining(file + " is not a directory");
    }

    @Test
    void archiveDirectoryNotWritable() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("read-only"));
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean immutable = false;
        if (root) {
            // permissions do not stop root; the immutable attribute does, where the file system has it
            immutable = exitCode("chattr", "+i", ro.toString()) == 0;
            if (!immutable) {
                // no chattr here (tmpfs, overlayfs): /proc/self is a directory nobody may write into
                ro = Path.of("/proc/self");
            }
        } else {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-x------"));
        }
        Path target = ro;
        try {
            assertThatThrownBy(() -> WalArchive.open(target))
                    .isInstanceOf(WalArchiveException.class)
                    .hasMessageStartingWith("WAL archive directory " + target + " is not writable: ");
        } finally {
            if (immutable) {
                assertThat(exitCode("chattr", "-i", ro.toString())).isZero();
            } else if (!root) {
                Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    @Test
    void roleWithoutReplicationIsRefusedAtStartAndInTheRoute() throws Exception {
        try (WalServer server = WalServer.start()) {
            server.exec("create role plain login");
            StreamingArchiver archiver = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "plain", null),
                    WalArchive.open(dir), ArchiverSettings.defaults(), null);
            assertThatThrownBy(archiver::start)
                    .isInstanceOf(ArchiverStartException.class)
                    .hasMessageContaining("role \"plain\" may not stream WAL")
                    .hasMessageContaining("ALTER ROLE plain REPLICATION");
            assertThat(archiver.isRunning()).isFalse();

            CamelContext ctx = new DefaultCamelContext();
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("walmgr:archive?jdbcUrl=" + server.jdbcUrl() + "&username=plain&archiveDirectory=" + dir)
                            .process(e -> { });
                }
            });
            try {
                assertThatThrownBy(ctx::start).satisfies(e -> assertThat(rootMessage(e))
                        .contains("role \"plain\" may not stream WAL"));
            } finally {
                ctx.stop();
            }
            assertThat(server.queryString("select count(*) from pg_replication_slots")).as("no slot was made").isEqualTo("0");
        }
    }

    @Test
    void oneStreamingArchiverPerArchive() throws Exception {
        try (WalServer server = WalServer.start()) {
            WalArchive archive = WalArchive.open(dir);
            StreamingArchiver first = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null), archive,
                    ArchiverSettings.defaults().withSlot("first"), null);
            first.start();
            try {
                StreamingArchiver second = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null),
                        WalArchive.open(dir), ArchiverSettings.defaults().withSlot("second"), null);
                assertThatThrownBy(second::start)
                        .isInstanceOf(WalArchiveException.class)
                        .hasMessageContaining("Another streaming archiver already writes into " + dir);
            } finally {
                first.stop();
            }
            // once the first is gone, the archive is free again
            StreamingArchiver third = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null), archive,
                    ArchiverSettings.defaults().withSlot("first"), null);
            third.start();
            third.stop();
            assertThat(third.failure()).isNull();
        }
    }

    @Test
    void missingSlotWithoutCreateSlotStopsTheArchiver() throws Exception {
        try (WalServer server = WalServer.start()) {
            StreamingArchiver archiver = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null),
                    WalArchive.open(dir), ArchiverSettings.defaults().withSlot("nosuch").withCreateSlot(false), null);
            archiver.start();
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                        .until(() -> archiver.failure() != null);
            } finally {
                archiver.stop();
            }
            assertThat(archiver.failure()).isInstanceOf(ArchiverStartException.class)
                    .hasMessageContaining("has no such replication slot").hasMessageContaining("nosuch");
        }
    }

    @Test
    void routeWithMissingArchiveDirectoryDoesNotStart() throws Exception {
        Path missing = dir.resolve("typo");
        CamelContext ctx = new DefaultCamelContext();
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("walmgr:archive?jdbcUrl=jdbc:postgresql://127.0.0.1:1/postgres&archiveDirectory=" + missing)
                        .process(e -> { });
            }
        });
        try {
            assertThatThrownBy(ctx::start).satisfies(e -> assertThat(rootMessage(e))
                    .contains("WAL archive directory " + missing + " does not exist (create it first)"));
        } finally {
            ctx.stop();
        }
    }

    /** The messages of the exception and its causes, as Camel wraps ours. */
    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static int exitCode(String... cmd) throws Exception {
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
