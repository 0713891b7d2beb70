package io.camelskytools.pgq.cluster;

import java.time.Duration;
import java.util.Optional;

import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's place in the cluster view of its namespace: whether this process leads it
 * (and may take batches), and a way to wait until it does. Works on any Camel cluster
 * service; the view's own leadership flag is the truth, the events only wake waiters.
 */
public final class ConsumerLeadership implements CamelClusterEventListener.Leadership, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLeadership.class);

    private final CamelClusterService service;
    private final CamelClusterView view;
    private final String who;
    private final Object changed = new Object();
    private volatile String lastSeenLeader;

    private ConsumerLeadership(CamelClusterService service, CamelClusterView view, String who) {
        this.service = service;
        this.view = view;
        this.who = who;
    }

    /** Joins {@code namespace} of {@code service}; {@code who} names the consumer in log lines. */
    public static ConsumerLeadership join(CamelClusterService service, String namespace, String who) throws Exception {
        CamelClusterView view = service.getView(namespace);
        ConsumerLeadership leadership = new ConsumerLeadership(service, view, who);
        view.addEventListener(leadership);
        LOG.info("{}: joined cluster namespace '{}' as member {}; takes batches only while it leads", who, namespace,
                view.getLocalMember().getId());
        return leadership;
    }

    public String namespace() {
        return view.getNamespace();
    }

    /** True while this process leads the namespace. */
    public boolean isLeading() {
        return view.getLocalMember().isLeader();
    }

    /** The leader's member id as this process sees it (itself, another member, or none). */
    public Optional<String> leaderId() {
        return view.getLeader().map(CamelClusterMember::getId);
    }

    /** Waits up to {@code max} for this process to lead; whether it does. */
    public boolean awaitLeading(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (changed) {
            while (!isLeading()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /** Wakes anyone waiting in {@link #awaitLeading} (the consumer is stopping). */
    public void wakeUp() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    @Override
    public void leadershipChanged(CamelClusterView v, CamelClusterMember leader) {
        String id = leader == null ? null : leader.getId();
        boolean local = leader != null && leader.isLocal();
        if (local) {
            LOG.info("{}: this process leads '{}': taking batches", who, v.getNamespace());
        } else if (id != null && !id.equals(lastSeenLeader)) {
            LOG.info("{}: standing by; '{}' is led by {}", who, v.getNamespace(), id);
        } else if (id == null && lastSeenLeader != null) {
            LOG.info("{}: '{}' has no leader now", who, v.getNamespace());
        }
        lastSeenLeader = id;
        wakeUp();
    }

    @Override
    public void close() throws Exception {
        view.removeEventListener(this);
        service.releaseView(view);
        wakeUp();
    }
}
