package io.camelskytools.runtime.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The external programs a benchmark runs: to completion, or in the background until stopped. */
final class BenchProcesses implements AutoCloseable {

    private final Path work;
    private final List<Process> started = new ArrayList<>();

    BenchProcesses(Path work) {
        this.work = work;
    }

    /** Runs {@code cmd} to its end; its output, or an error naming the command and what it said. */
    String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("bench: " + String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
    }

    /** Starts {@code cmd} in the background, its output in {@code <name>.log} of the work directory. */
    Process start(String name, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile())).start();
        started.add(p);
        return p;
    }

    Path log(String name) {
        return work.resolve(name + ".log");
    }

    /** SIGTERM (python londiste3 finishes its batch on it), then SIGKILL after 30 s. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                stop(p);
            }
        }
        started.clear();
    }
}
