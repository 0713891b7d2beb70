package io.camelskytools.runtime.cli.londiste;

import java.time.Duration;

import picocli.CommandLine.Option;

/** How long the waiting commands wait before they give up with exit 1. */
final class TimeoutOption {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Give up after this long (exit 1); 0 waits for ever.")
    long seconds;

    Duration duration() {
        if (seconds < 0) {
            throw new IllegalArgumentException("--timeout must be 0 or more seconds, not " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** System.nanoTime() past which to give up. */
    long deadline() {
        return duration().isZero() ? Long.MAX_VALUE : System.nanoTime() + duration().toNanos();
    }
}
