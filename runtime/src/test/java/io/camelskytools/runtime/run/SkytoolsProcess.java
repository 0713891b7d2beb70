package io.camelskytools.runtime.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged skytools.jar run as its own process, its output (stdout and stderr) collected as it comes. */
final class SkytoolsProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer output = new StringBuffer();

    private SkytoolsProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::copy, "skytools-output");
        reader.setDaemon(true);
        reader.start();
    }

    static SkytoolsProcess start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return new SkytoolsProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    String output() {
        return output.toString();
    }

    /** The output's lines that contain {@code marker}. */
    List<String> lines(String marker) {
        return output().lines().filter(l -> l.contains(marker)).toList();
    }

    /** Sends a signal (INT, TERM) and waits at most {@code seconds} for the exit; whether it exited. */
    boolean signal(String name, long seconds) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void copy() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            output.append("\n(output read failed: ").append(e).append(")\n");
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("skytools.jar", "target/skytools.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged jar at " + jar.toAbsolutePath() + ": run mvn verify (failsafe"
                                            + " runs after package)");
        }
        return jar;
    }
}
