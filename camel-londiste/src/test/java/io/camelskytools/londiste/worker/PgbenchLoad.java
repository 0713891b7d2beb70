package io.camelskytools.londiste.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pgbench run in the background, its output in a file. It ends by its limit or when all
 * its clients have aborted (pgbench then exits with 2); {@link #awaitEnd} reads how many
 * transactions it reported as processed, which pgbench counts only once their COMMIT returned.
 */
final class PgbenchLoad implements AutoCloseable {

    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path output;

    private PgbenchLoad(String name, List<String> command, Process process, Path output) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.output = output;
    }

    static PgbenchLoad start(String name, List<String> command, Path output) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new PgbenchLoad(name, command, p, output);
    }

    /** How a run ended: its exit code, the transactions it reported processed, all it printed. */
    record Outcome(int exitCode, long processed, String output) {

        /** Every client aborted on an error (pgbench's exit code 2), as when its database stops taking writes. */
        boolean aborted() {
            return exitCode == 2 && output.contains("Run was aborted");
        }
    }

    /** Waits for the end; a run still going after {@code timeout} is killed and fails the test with its output. */
    Outcome awaitEnd(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("pgbench " + name + " still ran after " + timeout.toSeconds() + " s: "
                                     + command + "\n" + output());
        }
        String out = output();
        Matcher m = PROCESSED.matcher(out);
        if (!m.find()) {
            throw new AssertionError("pgbench " + name + " (exit " + process.exitValue()
                                     + ") reported no processed transactions:\n" + out);
        }
        return new Outcome(process.exitValue(), Long.parseLong(m.group(1)), out);
    }

    private String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** Stops a run a failed test left behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
