package io.camelskytools.londiste.worker;

import java.time.Duration;

/**
 * What one Londiste worker needs: the queue, its node's database (a JDBC URL) and the knobs
 * of londiste3's ini that it honours. Defaults are Skytools'.
 */
public record WorkerSettings(String queue, String targetUrl, int parallelCopies, int fetchSize, Duration loopDelay,
                             Duration globalWatermarkPeriod, Duration localWatermarkPeriod) {

    public WorkerSettings {
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("queue_name is missing");
        }
        if (targetUrl == null || targetUrl.isBlank()) {
            throw new IllegalArgumentException("the node's database (db) is missing");
        }
        if (parallelCopies < 1) {
            throw new IllegalArgumentException("parallel_copies must be at least 1, not " + parallelCopies);
        }
        if (fetchSize < 1) {
            throw new IllegalArgumentException("fetch size must be at least 1, not " + fetchSize);
        }
    }

    public static WorkerSettings defaults(String queue, String targetUrl) {
        return new WorkerSettings(queue, targetUrl, 1, 1000, Duration.ofSeconds(1), Duration.ofSeconds(300),
                Duration.ofSeconds(300));
    }

    public WorkerSettings withParallelCopies(int n) {
        return new WorkerSettings(queue, targetUrl, n, fetchSize, loopDelay, globalWatermarkPeriod, localWatermarkPeriod);
    }

    public WorkerSettings withLoopDelay(Duration d) {
        return new WorkerSettings(queue, targetUrl, parallelCopies, fetchSize, d, globalWatermarkPeriod,
                localWatermarkPeriod);
    }

    public WorkerSettings withWatermarkPeriods(Duration global, Duration local) {
        return new WorkerSettings(queue, targetUrl, parallelCopies, fetchSize, loopDelay, global, local);
    }
}
