package io.camelskytools.runtime.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The `skytools` command run in the test's JVM, as the tests of every command drive it. */
public final class InProcessCli {

    /** What one command said, and its exit code. */
    public record Result(int exit, String out, String err) {
    }

    /** A command that keeps running (`skytools run`) while the test looks at it. */
    public static final class Background {

        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final CompletableFuture<Integer> exit;

        private Background(Map<String, String> env, String... args) {
            exit = CompletableFuture.supplyAsync(() -> SkytoolsCli.execute(args, new PrintWriter(out, true),
                    new PrintWriter(err, true), env));
        }

        /** Standard output so far. */
        public String out() {
            return out.toString();
        }

        /** Standard error so far. */
        public String err() {
            return err.toString();
        }

        /** Waits for the command to end, at most {@code seconds}; its exit code. */
        public int exit(long seconds) throws Exception {
            return exit.get(seconds, TimeUnit.SECONDS);
        }
    }

    private InProcessCli() {
    }

    public static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SkytoolsCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Result(exit, out.toString(), err.toString());
    }

    public static Result run(String... args) {
        return run(Map.of(), args);
    }

    /** `skytools walmgr --config CFG ARGS...` */
    public static Result walmgr(Path cfg, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "walmgr";
        full[1] = "--config";
        full[2] = cfg.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return run(full);
    }

    public static Background start(Map<String, String> env, String... args) {
        return new Background(env, args);
    }

    public static Background start(String... args) {
        return start(Map.of(), args);
    }

    /** A TCP port free on 127.0.0.1 now, for a server the test starts. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }
}
