package io.camelskytools.londiste.copy;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.CopyState;
import io.camelskytools.londiste.table.TableInfo;
import io.camelskytools.londiste.worker.WorkerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which tables are being copied beside the main worker: starts a {@link CopyJob} for each
 * new table while {@code parallel_copies} allows, and again for a table whose copy state
 * says a copy runs when none does here (after a crash or a failed copy).
 */
public final class CopyCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(CopyCoordinator.class);
    private static final long RETRY_AFTER_FAILURE_NANOS = 5_000_000_000L;

    private final WorkerSettings settings;
    private final Map<String, Running> running = new LinkedHashMap<>();
    /** The figures of each table's latest copy in this process, kept after it ends. */
    private final Map<String, CopyProgress> latest = new LinkedHashMap<>();
    /** Tables whose copy waits for the provider to have them in sync (said once). */
    private final Set<String> waiting = new HashSet<>();
    private ExecutorService pool;

    private record Running(CopyJob job, Future<?> future, long started) {
    }

    public CopyCoordinator(WorkerSettings settings) {
        this.settings = settings;
    }

    /** Called by the main worker at each step with the node's tables. */
    public synchronized void sync(Collection<TableInfo> tables, NodeInfo node, String providerNode,
                                  String providerLocation) {
        long now = System.nanoTime();
        running.values().forEach(r -> remember(r.job()));
        for (Running r : running.values()) {
            if (r.future().isDone()) {
                noteWait(r.job());
            }
        }
        running.values().removeIf(r -> r.future().isDone()
                                       && (r.job().failure() == null || now - r.started() > RETRY_AFTER_FAILURE_NANOS));
        int busy = 0;
        for (TableInfo t : tables) {
            if (t.local() && t.state().copying()) {
                busy++;
            }
        }
        for (TableInfo t : tables) {
            if (!t.local() || running.containsKey(t.name())) {
                continue;
            }
            CopyState s = t.state();
            boolean resume = s.copying();
            boolean fresh = s.phase() == CopyState.Phase.NEW && busy < settings.parallelCopies();
            if (!resume && !fresh) {
                continue;
            }
            if (fresh) {
                busy++;
            }
            CopyJob job = new CopyJob(settings.queue(), t.name(), node.worker(), settings.targetUrl(), providerNode,
                    providerLocation, settings.fetchSize());
            if (!waiting.contains(t.name())) {
                LOG.info("londiste {}: {} copy of {} (state {})", settings.queue(),
                        resume ? "resuming the" : "starting the", t.name(), s);
            }
            running.put(t.name(), new Running(job, pool().submit(job), now));
        }
    }

    /** The copies running now, table to job. */
    public synchronized Map<String, CopyJob> running() {
        Map<String, CopyJob> out = new LinkedHashMap<>();
        running.forEach((k, v) -> out.put(k, v.job()));
        return out;
    }

    /** Rows, bytes and rate of each table's copy: running now, or the latest one that ended. */
    public synchronized Map<String, CopyProgress> progress() {
        running.values().forEach(r -> remember(r.job()));
        return new LinkedHashMap<>(latest);
    }

    /** One line when a table's copy starts waiting for its provider, none for each retry. */
    private void noteWait(CopyJob job) {
        if (job.failure() instanceof ProviderNotReady w) {
            if (waiting.add(job.table())) {
                LOG.info("londiste {}: copy of {} waits: {} (tried again every {} s)", settings.queue(), job.table(),
                        w.getMessage(), RETRY_AFTER_FAILURE_NANOS / 1_000_000_000L);
            }
        } else {
            waiting.remove(job.table());
        }
    }

    private void remember(CopyJob job) {
        CopyProgress p = job.progress();
        if (p != null) {
            latest.put(job.table(), p);
        }
    }

    public synchronized void stop() {
        running.values().forEach(r -> r.job().stop());
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool = null;
        }
        running.clear();
    }

    private ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "londiste-copy");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }
}
