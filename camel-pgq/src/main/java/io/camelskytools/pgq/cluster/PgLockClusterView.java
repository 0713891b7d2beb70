package io.camelskytools.pgq.cluster;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace: every period its lock session tries for the lock, or, holding it, checks
 * that the session is alive and still holds it. Leadership starts only after the lock has been
 * held for the takeover delay, long enough for a leader whose session was ended to notice and
 * stop its routes; it ends as soon as a check fails.
 */
final class PgLockClusterView extends AbstractCamelClusterView {

    private static final Logger LOG = LoggerFactory.getLogger(PgLockClusterView.class);

    private final PgLockClusterService service;
    private final long key;
    private final LeadershipState state = new LeadershipState();
    private ScheduledExecutorService checker;
    private LockSession session;
    private volatile Optional<String> leaderId = Optional.empty();
    private boolean warnedUnreachable;
    private Integer warnedForeignPid;

    PgLockClusterView(PgLockClusterService service, String namespace) {
        super(service, namespace);
        this.service = service;
        this.key = AdvisoryLockKey.of(namespace);
    }

    long key() {
        return key;
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        if (state.isLeader()) {
            return Optional.of(getLocalMember());
        }
        return leaderId.map(id -> new ClusterMember(id, false, true));
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return new ClusterMember(service.getMemberId(), true, state.isLeader());
    }

    @Override
    public List<CamelClusterMember> getMembers() {
        // standbys hold nothing in the database: the members we know are us and the leader
        List<CamelClusterMember> members = new ArrayList<>();
        members.add(getLocalMember());
        getLeader().filter(m -> !m.isLocal()).ifPresent(members::add);
        return members;
    }

    @Override
    protected void doStart() {
        checker = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                "pg-lock-cluster-" + getNamespace());
        checker.scheduleWithFixedDelay(this::check, 0, service.getPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws InterruptedException {
        if (checker != null) {
            getCamelContext().getExecutorServiceManager().shutdownGraceful(checker);
            checker = null;
        }
        synchronized (this) {
            dropSession();
            if (state.release()) {
                LOG.info("cluster namespace '{}': this member stops and gives up leadership", getNamespace());
                leaderId = Optional.empty();
                fireLeadershipChangedEvent((CamelClusterMember) null);
            }
        }
    }

    /** One round: runs on the checker thread only. */
    synchronized void check() {
        if (!isRunAllowed()) {
            return;
        }
        try {
            if (session == null) {
                session = LockSession.open(service.connections(), key, service.getMemberId(), service.getValidationTimeout());
                if (warnedUnreachable) {
                    LOG.info("cluster namespace '{}': lock database reachable again", getNamespace());
                    warnedUnreachable = false;
                }
            }
            if (state.holdsLock()) {
                confirmHold();
            } else {
                tryForLock();
            }
        } catch (SQLException | RuntimeException e) {
            onSessionFailure(e);
        }
    }

    private void tryForLock() throws SQLException {
        if (session.tryLock()) {
            LOG.info("cluster namespace '{}': took advisory lock {}; leader in {} ms unless the session is lost first",
                    getNamespace(), key, service.getTakeoverDelay().toMillis());
            state.took(System.nanoTime());
            return;
        }
        Optional<LockSession.Holder> holder = session.holder();
        holder.filter(h -> !h.isMember()).ifPresent(this::warnForeignHolder);
        Optional<String> seen = holder.filter(LockSession.Holder::isMember).map(LockSession.Holder::memberId);
        if (!seen.equals(leaderId)) {
            leaderId = seen;
            fireLeadershipChangedEvent(getLeader().orElse(null));
        }
    }

    private void confirmHold() throws SQLException {
        if (!session.stillHolds()) {
            throw new SQLException("advisory lock " + key + " is no longer held by this session");
        }
        if (state.confirmed(System.nanoTime(), service.getTakeoverDelay())) {
            leaderId = Optional.of(service.getMemberId());
            LOG.info("cluster namespace '{}': this member ({}) is the leader", getNamespace(), service.getMemberId());
            fireLeadershipChangedEvent(getLeader().orElse(null));
        }
    }

    private void onSessionFailure(Exception e) {
        dropSession();
        if (state.release()) {
            leaderId = Optional.empty();
            // the listeners (master: consumers, clustered routes) stop their routes on this thread, now
            fireLeadershipChangedEvent((CamelClusterMember) null);
            LOG.warn("lost leadership of cluster namespace '{}' (routes stopped): {}", getNamespace(), e.getMessage());
        } else if (!warnedUnreachable) {
            LOG.warn("cluster namespace '{}': cannot use the lock database ({}); trying again every {} ms",
                    getNamespace(), e.getMessage(), service.getPeriod().toMillis());
            warnedUnreachable = true;
        }
    }

    private void dropSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    private void warnForeignHolder(LockSession.Holder h) {
        if (!Integer.valueOf(h.pid()).equals(warnedForeignPid)) {
            LOG.warn("cluster namespace '{}': advisory lock {} is held by session {} ('{}'), which is not a cluster member:"
                     + " another application uses the same key; rename the namespace", getNamespace(), key, h.pid(),
                    h.applicationName());
            warnedForeignPid = h.pid();
        }
    }
}
