package io.camelskytools.runtime.cli.walmgr;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.camelskytools.walmgr.archive.XArchive;
import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.archive.WalArchiveException;
import io.camelskytools.walmgr.archive.XRestore;
import io.camelskytools.walmgr.restore.RestoreCommand;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import io.camelskytools.walmgr.wal.Lsn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** WAL into and out of the archive: streaming from the primary, archive_command and restore_command. */
final class ArchiveCommands {

    private ArchiveCommands() {
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
             description = "Stream WAL from the primary into the archive until Ctrl-C (what `skytools run` does in"
                           + " the background when skytools.walmgr.* is configured).")
    static final class Archive extends WalmgrSubcommand {
        @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: Ctrl-C).")
        int duration;

        @Override
        int run() throws Exception {
            ArchiverSettings settings = ArchiverSettings.defaults().withSlot(cfg.slot())
                    .withFlushInterval(cfg.flushInterval()).withCompress(cfg.compress())
                    .withSynchronous(cfg.synchronous());
            PrintWriter out = out();
            StreamingArchiver archiver = new StreamingArchiver(
                    WalSource.of(cfg.primaryUrl(), cfg.primaryUser(), cfg.primaryPassword()), archive(), settings,
                    (file, endLsn) -> {
                        out.println("archived " + file.path().getFileName() + " (up to " + Lsn.format(endLsn) + ")");
                        out.flush();
                    });
            CountDownLatch done = new CountDownLatch(1);
            archiver.onFailure(e -> done.countDown());
            Thread hook = new Thread(done::countDown, "walmgr-archive-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("streaming WAL from " + cfg.describePrimary() + " into " + cfg.archive() + " (slot "
                        + cfg.slot() + ")");
            out.flush();
            archiver.start();
            try {
                if (duration > 0) {
                    done.await(duration, TimeUnit.SECONDS);
                } else {
                    done.await();
                }
            } finally {
                archiver.stop();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what woke us
                }
            }
            if (archiver.failure() != null) {
                throw new IllegalStateException("archiver stopped: " + archiver.failure().getMessage(), archiver.failure());
            }
            out.println("stopped at " + Lsn.format(archiver.status().flushedLsn()));
            return 0;
        }
    }

    @Command(name = "xarchive", mixinStandardHelpOptions = true,
             description = "archive_command: store %%p as %%f in the archive; exit 0 only once it is durable."
                           + " --archive (and --compress) stand for the config file, which PostgreSQL's OS user"
                           + " need not be able to read; --check only checks the archive is writable.")
    static final class XArchiveCmd extends WalmgrSubcommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PATH")
        String path;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
        String name;

        @Option(names = "--archive", paramLabel = "DIR", description = "The archive directory (default: "
                                                                       + WalmgrConfig.PREFIX + "archive).")
        Path archiveDir;

        @Option(names = "--compress", description = "Store segments gzipped (default: " + WalmgrConfig.PREFIX
                                                    + "compress).")
        boolean compress;

        @Option(names = "--check", description = "Only check that the archive can be written, and say so.")
        boolean check;

        @Override
        int run() {
            Path dir = archiveDir != null ? archiveDir : cfg.archive();
            if (check) {
                WalArchive a = WalArchive.open(dir);
                out().println("archive " + a.walDir() + " is writable by " + System.getProperty("user.name"));
                return 0;
            }
            if (path == null || name == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "xarchive needs PATH and NAME (archive_command's %p %f), or --check");
            }
            return XArchive.run(dir, compress || (archiveDir == null && cfg.compress()), path, name);
        }
    }

    @Command(name = "xrestore", mixinStandardHelpOptions = true,
             description = "restore_command: copy %%f from the archive to %%p (the streamed partial segment, padded,"
                           + " when the segment is not complete yet); exit 1 when the archive does not have it,"
                           + " 200 (recovery stops, PostgreSQL takes it as fatal) when the archived file does not"
                           + " match its checksum; a standby (standby.signal here) gets 1 and tries streaming.")
    static final class XRestoreCmd extends WalmgrSubcommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "PATH")
        Path dest;

        @Option(names = "--no-partial", description = "Do not hand out partial segments.")
        boolean noPartial;

        @Override
        int run() throws Exception {
            try {
                return new XRestore(archive(), !noPartial).restore(name, dest) ? 0 : 1;
            } catch (WalArchiveException e) {
                // exit 1 would read as "not archived": recovery would end here and promote without the rest
                boolean standby = Files.exists(Path.of("standby.signal"));
                System.err.println("walmgr xrestore: " + e.getMessage() + (standby ? "; the standby tries streaming"
                        : "; recovery stops here rather than end early"));
                return standby ? 1 : RestoreCommand.STOP_RECOVERY;
            }
        }
    }
}
