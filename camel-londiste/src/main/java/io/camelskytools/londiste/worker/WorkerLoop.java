package io.camelskytools.londiste.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.camelskytools.jdbc.ServerErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LondisteWorker} until stopped: greedy while there are batches, waiting
 * {@code loop_delay} when there are none, and after a failure recording it on the node,
 * reconnecting and trying again after {@code exception_sleep}. A stop lets the batch in hand
 * finish.
 */
public final class WorkerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);

    private final LondisteWorker worker;
    private final Duration loopDelay;
    private final Duration exceptionSleep;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Exception lastFailure;

    public WorkerLoop(LondisteWorker worker, Duration loopDelay, Duration exceptionSleep) {
        this.worker = worker;
        this.loopDelay = loopDelay;
        this.exceptionSleep = exceptionSleep;
    }

    @Override
    public void run() {
        try {
            while (stop.getCount() > 0) {
                Duration wait = Duration.ZERO;
                try {
                    int n = worker.step();
                    lastFailure = null;
                    if (n < 0) {
                        wait = loopDelay;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (Exception e) {
                    if (stop.getCount() == 0) {
                        break;
                    }
                    logFailure(e);
                    lastFailure = e;
                    worker.reset(e);
                    wait = exceptionSleep;
                }
                if (!wait.isZero()) {
                    // idle: until the provider ticks (at most loop_delay); after a failure: exception_sleep
                    if (lastFailure == null) {
                        worker.awaitTick(wait);
                    } else if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            worker.close();
            stopped.countDown();
        }
    }

    /**
     * A lost connection is one line (it is the server's or the network's doing); anything
     * else is logged with its trace, once until a step goes well or the error changes.
     */
    private void logFailure(Exception e) {
        String retry = "retrying in " + exceptionSleep.toMillis() + " ms";
        if (ServerErrors.isUnreachable(e)) {
            LOG.warn("londiste worker: lost a connection ({}); {}", e.getMessage(), retry);
        } else if (lastFailure == null || !String.valueOf(lastFailure.getMessage()).equals(e.getMessage())) {
            LOG.error("londiste worker: {}; {}", e.getMessage(), retry, e);
        }
    }

    /** The failure of the last step, null when it went well. */
    public Exception lastFailure() {
        return lastFailure;
    }

    /** Asks the loop to stop after the step in hand and waits for it up to {@code timeout}. */
    public boolean stop(Duration timeout) throws InterruptedException {
        worker.stop();
        stop.countDown();
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
