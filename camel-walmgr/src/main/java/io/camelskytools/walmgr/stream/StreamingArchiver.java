package io.camelskytools.walmgr.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.camelskytools.jdbc.ServerErrors;
import io.camelskytools.walmgr.archive.ArchivedFile;
import io.camelskytools.walmgr.archive.StreamingLock;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.archive.DurableFiles;
import io.camelskytools.walmgr.archive.WalArchiveException;
import io.camelskytools.walmgr.server.ReplicationSlot;
import io.camelskytools.walmgr.server.ReplicationSlots;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.TimelineHistory;
import io.camelskytools.walmgr.wal.WalFileNames;
import io.camelskytools.walmgr.wal.WalPageHeader;
import io.camelskytools.walmgr.wal.WalSegment;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives WAL as the server writes it, through a physical replication slot, the way
 * pg_receivewal does, into a {@link WalArchive}.
 *
 * <p><b>Where it starts.</b> At the end of what the archive holds: the streamed
 * {@code .partial} (at its length) if it is newer than the last completed segment, else
 * the segment after the last completed one; with an empty archive, at the segment holding
 * the slot's restart_lsn (or the server's flush position for a new slot).
 *
 * <p><b>Durability.</b> Received bytes are appended to {@code <segment>.partial}; once the
 * oldest unsynced byte is ¾ of flushInterval old the file is fdatasynced (the other quarter
 * is headroom for the sync itself), and on the segment boundary the segment is synced,
 * checksummed and renamed to its final name. Only then is the position reported to the
 * server as flushed, so the slot never lets the server drop WAL the archive does not hold.
 *
 * <p><b>Outages.</b> When the server goes away, what was received is synced, and the
 * archiver reconnects with a growing delay (up to maxReconnectDelay), logging one line when
 * the stream is lost and one when it is back; it resumes at the archive's end, so there is
 * no gap.
 *
 * <p><b>Timelines.</b> On every connection the server's timeline is compared with the
 * archive's. Every history file of the server's timeline and its ancestors is fetched
 * (TIMELINE_HISTORY) and archived. An archive behind on an ancestor timeline first streams
 * that timeline (START_REPLICATION ... TIMELINE n) up to its switch point; then the new
 * timeline is streamed from the start of the segment holding the switch point (its old
 * timeline copy stays as {@code .partial}). Streaming from a standby, its promotion is
 * noticed within a second ({@link PromotionWatch}). An archive that holds WAL past the switch
 * point (the server forked off before what we archived), a later timeline than the server
 * or another cluster's WAL stops the archiver with an error saying so.
 */
public final class StreamingArchiver {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingArchiver.class);
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long BUSY_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long BUSY_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long FIRST_RECONNECT_DELAY_MS = 100;
    // an idle stream never notices a server that went away until it writes: a status
    // message every second is what finds out
    private static final int STATUS_INTERVAL_MS = 1_000;

    private final WalSource source;
    private final WalArchive archive;
    private final ArchiverSettings settings;
    private final SegmentListener listener;
    private final long flushBudgetNanos;
    private final Object wakeUp = new Object();
    private volatile Consumer<Throwable> onFailure = e -> { };

    private volatile boolean stopping;
    private Thread thread;
    private StreamingLock lock;

    // status, read by any thread
    private volatile boolean streaming;
    private volatile int timeline;
    private volatile long flushedLsn;
    private volatile long receivedLsn;
    private volatile String currentSegment;
    private volatile Instant lastFlush;
    private volatile String lastError;
    private volatile Throwable failure;
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong segmentsArchived = new AtomicLong();

    // the archiver thread's own
    private long segmentSize;
    private PGReplicationStream stream;
    private PartialSegmentWriter writer;
    /** Hashes segments while the archiver thread receives and writes them. */
    private ExecutorService hasher;
    private long firstUnsyncedNanos;
    /** When the last WAL message came: decides how soon to look for the next. */
    private long lastDataNanos;
    private Instant outageSince;

    public StreamingArchiver(WalSource source, WalArchive archive, ArchiverSettings settings, SegmentListener listener) {
        this.source = source;
        this.archive = archive;
        this.settings = settings;
        this.listener = listener == null ? (f, lsn) -> { } : listener;
        this.flushBudgetNanos = settings.flushInterval().toNanos() * 3 / 4;
    }

    /** Called once, on the archiver's thread, when it stops for good on an error. */
    public void onFailure(Consumer<Throwable> handler) {
        this.onFailure = handler;
    }

    /**
     * Checks that the server lets this role stream (and creates the slot), then streams on
     * a thread of its own. A server that is down is not an error here (it is retried); a
     * role, pg_hba or server setting that forbids streaming is, as an
     * {@link ArchiverStartException}.
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("WAL archiver for slot " + settings.slot() + " already started");
        }
        StreamingLock held = StreamingLock.acquire(archive);
        try {
            probe();
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
        lock = held;
        stopping = false;
        thread = new Thread(this::run, "walmgr-archiver-" + settings.slot());
        thread.setDaemon(true);
        thread.start();
    }

    private void probe() {
        try (Connection c = source.openReplication()) {
            ReplicationSession session = new ReplicationSession(c);
            session.identifySystem();
            if (settings.createSlot() && session.createSlotIfMissing(settings.slot())) {
                LOG.info("created physical replication slot {} on {}", settings.slot(), source.describe());
            }
        } catch (SQLException e) {
            if (!ServerErrors.isUnreachable(e)) {
                throw new ArchiverStartException(ReplicationErrors.explain(e, source), e);
            }
            outageSince = Instant.now();
            lastError = e.getMessage();
            LOG.warn("the WAL source {} is not reachable yet ({}); the archiver keeps trying", source.describe(),
                    e.getMessage());
        }
    }

    /** Syncs and confirms what was received, ends the stream and waits for the thread. */
    public void stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
            stopping = true;
        }
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        if (t != null) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            if (t.isAlive()) {
                LOG.warn("the WAL archiver for slot {} did not stop within 30 s", settings.slot());
            }
        }
        synchronized (this) {
            thread = null;
        }
        if (t == null || !t.isAlive()) {
            releaseLock();
        }
    }

    private synchronized void releaseLock() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** The error that stopped the archiver for good, or null. */
    public Throwable failure() {
        return failure;
    }

    public ArchiverStatus status() {
        return new ArchiverStatus(streaming, timeline, receivedLsn, flushedLsn, currentSegment, bytesReceived.get(),
                segmentsArchived.get(), lastFlush, lastError);
    }

    public ArchiverSettings settings() {
        return settings;
    }

    /**
     * How many bytes of WAL the server has flushed that the archive does not durably hold
     * yet; -1 when unknown (nothing archived yet, or the server cannot be asked).
     */
    public long lagBytes() {
        long ours = flushedLsn;
        if (ours == 0) {
            return -1;
        }
        try (Connection c = source.openSql(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select (case when pg_is_in_recovery() then pg_last_wal_receive_lsn()"
                                            + " else pg_current_wal_flush_lsn() end)::text")) {
            rs.next();
            String server = rs.getString(1);
            return server == null ? -1 : Math.max(0, Lsn.parse(server) - ours);
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    private void run() {
        hasher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "walmgr-hash-" + settings.slot());
            t.setDaemon(true);
            return t;
        });
        try {
            archiveUntilStopped();
        } finally {
            hasher.shutdownNow();
        }
    }

    private void archiveUntilStopped() {
        long delay = FIRST_RECONNECT_DELAY_MS;
        while (!stopping) {
            try {
                session();
                delay = FIRST_RECONNECT_DELAY_MS;
            } catch (WalArchiveException | ArchiverStartException e) {
                fail(e);
                return;
            } catch (SQLException e) {
                if (ReplicationErrors.isFatal(e)) {
                    fail(new ArchiverStartException(ReplicationErrors.explain(e, source), e));
                    return;
                }
                if (!outage(e, delay)) {
                    break;
                }
                delay = Math.min(delay * 2, settings.maxReconnectDelay().toMillis());
            } catch (Exception e) {
                if (!outage(e, delay)) {
                    break;
                }
                delay = Math.min(delay * 2, settings.maxReconnectDelay().toMillis());
            } catch (Throwable t) {
                fail(t);
                return;
            }
        }
        LOG.info("the WAL archiver for slot {} stopped at {}", settings.slot(), Lsn.format(flushedLsn));
    }

    /** Notes a lost connection (one line per outage) and waits before the next try; false when stopping. */
    private boolean outage(Exception e, long delay) {
        streaming = false;
        lastError = e.getMessage() != null ? e.getMessage() : e.toString();
        if (stopping) {
            return false;
        }
        if (outageSince == null) {
            outageSince = Instant.now();
            if (e instanceof java.io.IOException) {
                // the archive's side: a full or failing disk; the slot keeps the WAL meanwhile
                LOG.warn("cannot write the archive {}: {}; the slot {} keeps the WAL, retrying", archive.root(),
                        e.getMessage(), settings.slot());
            } else {
                LOG.warn("lost the WAL stream from {} (slot {}): {}; reconnecting", source.describe(), settings.slot(),
                        e.getMessage());
            }
            LOG.debug("the WAL stream failed", e);
        }
        pause(delay);
        return !stopping;
    }

    private void fail(Throwable e) {
        streaming = false;
        failure = e;
        lastError = e.getMessage();
        LOG.error("the WAL archiver for slot {} stopped: {}", settings.slot(), e.getMessage());
        releaseLock();
        onFailure.accept(e);
    }

    /** One connection: from connecting to the end of the stream (server gone, timeline ended, stop). */
    private void session() throws Exception {
        try (Connection c = source.openReplication()) {
            ReplicationSession session = new ReplicationSession(c);
            ServerIdentity id = session.identifySystem();
            long size = session.walSegmentSize();
            WalSegment.checkSize(size);
            if (segmentSize != 0 && segmentSize != size) {
                throw new WalArchiveException(source.describe() + " now has " + size + "-byte WAL segments, it had "
                                              + segmentSize);
            }
            segmentSize = size;
            checkSameCluster(id);
            if (settings.createSlot() && session.createSlotIfMissing(settings.slot())) {
                LOG.info("created physical replication slot {} on {}", settings.slot(), source.describe());
            }
            archiveHistories(session, id.timeline());
            Start start = resolveStart(id);
            writer = PartialSegmentWriter.open(archive.partialPath(start.segment().fileName(size)), start.segment(), size, true,
                    hasher);
            PromotionWatch promotion = null;
            try {
                promotion = PromotionWatch.start(source, c, "walmgr-promotion-" + settings.slot());
                if (writer.full()) {
                    // a crash came between the last byte and the rename: finish it first
                    completeSegment();
                }
                long from = writer.endLsn();
                stream = start.historicEnd() == null
                        ? session.streamCurrent(settings.slot(), from, STATUS_INTERVAL_MS)
                        : session.streamHistoric(settings.slot(), from, start.segment().timeline(), STATUS_INTERVAL_MS);
                timeline = start.segment().timeline();
                currentSegment = writer.segment().fileName(size);
                flushedLsn = Math.max(flushedLsn, writer.durableLsn());
                receivedLsn = writer.endLsn();
                streaming = true;
                announce(from, start);
                receive(start.historicEnd(), promotion);
            } finally {
                streaming = false;
                if (promotion != null) {
                    promotion.close();
                }
                endSession();
            }
        }
    }

    private void announce(long from, Start start) {
        String what = "timeline " + start.segment().timeline() + " from " + Lsn.format(from) + " (segment "
                      + writer.segment().fileName(segmentSize) + ")"
                      + (start.historicEnd() == null ? "" : " up to its end at " + Lsn.format(start.historicEnd()));
        if (outageSince != null) {
            LOG.info("the WAL stream from {} is back after {} s; archiving {}", source.describe(),
                    String.format(java.util.Locale.ROOT, "%.1f",
                            Duration.between(outageSince, Instant.now()).toMillis() / 1000.0), what);
            outageSince = null;
        } else {
            LOG.info("archiving WAL from {} (slot {}) into {}: {}", source.describe(), settings.slot(), archive.root(),
                    what);
        }
    }

    private void receive(Long historicEnd, PromotionWatch promotion) throws Exception {
        while (!stopping) {
            ByteBuffer buf;
            try {
                buf = stream.readPending();
            } catch (SQLException e) {
                if (promotion.promoted()) {
                    LOG.info("{} was promoted: timeline {} has ended; reconnecting for the next one",
                            source.describe(), timeline);
                    return;
                }
                throw e;
            }
            if (buf == null) {
                if (stream.isClosed()) {
                    return;
                }
                syncIfDue();
                // while WAL flows, look again almost at once; when it has stopped, rest
                LockSupport.parkNanos(System.nanoTime() - lastDataNanos < BUSY_WINDOW_NANOS ? BUSY_WAIT_NANOS
                        : IDLE_WAIT_NANOS);
                continue;
            }
            lastDataNanos = System.nanoTime();
            // pgjdbc reports the end of the message's data; the message holds the bytes before it
            long start = stream.getLastReceiveLSN().asLong() - buf.remaining();
            take(buf, start);
            if (settings.synchronous()) {
                // a synchronous standby: durable and said so at once. Not when readPending next comes back
                // empty: in replication mode pgjdbc finds that out with a blocking read of up to 1 ms
                writer.sync();
                confirm(writer.durableLsn());
            }
            syncIfDue();
            if (historicEnd != null && writer.endLsn() >= historicEnd) {
                // the server ends the stream here; pgjdbc would block on its silent CopyDone
                LOG.info("timeline {} archived to its end at {}", timeline, Lsn.format(writer.endLsn()));
                return;
            }
        }
    }

    private void take(ByteBuffer buf, long start) throws IOException, SQLException {
        long expected = writer.endLsn();
        if (start > expected) {
            // not an IOException: that would read as the archive's disk failing
            throw new IllegalStateException("The server sent WAL from " + Lsn.format(start) + " but the archive ends at "
                                            + Lsn.format(expected) + "; reconnecting so nothing is skipped");
        }
        if (start < expected) {
            // already held (e.g. resent after a reconnect)
            buf.position(buf.position() + (int) Math.min(expected - start, buf.remaining()));
        }
        while (buf.hasRemaining()) {
            if (firstUnsyncedNanos == 0) {
                firstUnsyncedNanos = System.nanoTime();
            }
            bytesReceived.addAndGet(writer.append(buf));
            receivedLsn = writer.endLsn();
            if (writer.full()) {
                completeSegment();
            }
        }
    }

    private void syncIfDue() throws IOException, SQLException {
        if (writer.dirty() && System.nanoTime() - firstUnsyncedNanos >= flushBudgetNanos) {
            writer.sync();
            confirm(writer.durableLsn());
        }
    }

    private void completeSegment() throws IOException, SQLException {
        writer.sync();
        writer.close();
        WalSegment seg = writer.segment();
        String name = seg.fileName(segmentSize);
        long end = writer.endLsn();
        ArchivedFile file = archive.completePartial(writer.path(), name, settings.compress(), writer.sha256(), true);
        WalSegment next = seg.next();
        writer = PartialSegmentWriter.open(archive.partialPath(next.fileName(segmentSize)), next, segmentSize, false, hasher);
        currentSegment = next.fileName(segmentSize);
        // one directory fsync makes the segment's rename and the next partial durable, before the confirm
        DurableFiles.fsyncDirectory(archive.walDir());
        confirm(end);
        segmentsArchived.incrementAndGet();
        LOG.info("archived WAL segment {} (sha256 {})", name, file.sha256());
        try {
            listener.segmentArchived(file, end);
        } catch (RuntimeException e) {
            LOG.warn("listener failed on archived segment {}: {}", name, e.getMessage(), e);
        }
    }

    /** lsn is durable: record it, and tell the server so the slot may move on. */
    private void confirm(long lsn) throws SQLException {
        if (lsn > flushedLsn) {
            // an error is news until more WAL is durable
            lastError = null;
        }
        flushedLsn = Math.max(flushedLsn, lsn);
        lastFlush = Instant.now();
        firstUnsyncedNanos = 0;
        if (stream != null && !stream.isClosed()) {
            LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
            stream.setFlushedLSN(l);
            stream.setAppliedLSN(l);
            stream.forceUpdateStatus();
        }
    }

    /** Whatever ended the session: make what we hold durable, confirm it if we still can, close. */
    private void endSession() {
        try {
            if (writer != null) {
                writer.sync();
                long durable = writer.durableLsn();
                try {
                    confirm(durable);
                } catch (SQLException e) {
                    // the server is gone; the next session confirms
                    flushedLsn = Math.max(flushedLsn, durable);
                }
                writer.close();
            }
        } catch (IOException e) {
            LOG.warn("could not sync {}: {}", writer.path(), e.getMessage());
        } finally {
            writer = null;
        }
        if (stream != null) {
            try {
                if (!stream.isClosed()) {
                    stream.close();
                }
            } catch (SQLException e) {
                // connection already gone
            }
            stream = null;
        }
    }

    /** Where to stream from, and, on an ancestor timeline, where that timeline ends. */
    private record Start(WalSegment segment, Long historicEnd) {
    }

    private Start resolveStart(ServerIdentity id) throws IOException, SQLException {
        List<WalSegment> done = archive.completedSegments(segmentSize);
        WalSegment lastDone = done.isEmpty() ? null : done.get(done.size() - 1);
        WalSegment live = null;
        for (WalSegment p : archive.partialSegments(segmentSize)) {
            String name = p.fileName(segmentSize);
            if (archive.find(name).isPresent()) {
                // completed, then the process died before the partial was removed
                Files.deleteIfExists(archive.partialPath(name));
            } else if (lastDone == null || p.segno() > lastDone.segno()) {
                live = p;
            }
        }
        WalSegment seg;
        if (live != null) {
            seg = live;
        } else if (lastDone != null) {
            seg = lastDone.next();
        } else {
            seg = WalSegment.containing(id.timeline(), initialLsn(id), segmentSize);
        }
        while (true) {
            long resume = seg.startLsn(segmentSize) + partialLength(seg);
            if (seg.timeline() == id.timeline()) {
                return new Start(seg, null);
            }
            if (seg.timeline() > id.timeline()) {
                throw new WalArchiveException("The archive " + archive.root() + " is on timeline " + seg.timeline()
                                              + " but " + source.describe() + " is on timeline " + id.timeline()
                                              + ": is this the right server for this archive?");
            }
            TimelineHistory history = historyOf(id.timeline());
            Optional<Long> ended = history.switchPoint(seg.timeline());
            if (ended.isEmpty()) {
                throw new WalArchiveException("The archive " + archive.root() + " is on timeline " + seg.timeline()
                                              + ", which is not an ancestor of timeline " + id.timeline() + " of "
                                              + source.describe());
            }
            long switchPoint = ended.get();
            if (resume < switchPoint) {
                return new Start(seg, switchPoint);
            }
            if (resume > switchPoint) {
                throw new WalArchiveException("The archive " + archive.root() + " holds timeline " + seg.timeline()
                                              + " up to " + Lsn.format(resume) + ", past where " + source.describe()
                                              + " left that timeline (" + Lsn.format(switchPoint) + ", for timeline "
                                              + history.successorOf(seg.timeline()) + "): the histories diverged");
            }
            int next = history.successorOf(seg.timeline());
            LOG.info("timeline {} ended at {}; archiving timeline {} from the start of its segment",
                    seg.timeline(), Lsn.format(switchPoint), next);
            seg = WalSegment.containing(next, switchPoint, segmentSize);
        }
    }

    private long partialLength(WalSegment seg) throws IOException {
        Path p = archive.partialPath(seg.fileName(segmentSize));
        return Files.exists(p) ? Files.size(p) : 0;
    }

    /** With an empty archive: where the slot holds WAL from, else where the server is now. */
    private long initialLsn(ServerIdentity id) {
        try (Connection c = source.openSql()) {
            long restart = new ReplicationSlots(c).find(settings.slot()).map(ReplicationSlot::restartLsn).orElse(-1L);
            if (restart >= 0) {
                return restart;
            }
        } catch (SQLException e) {
            LOG.warn("cannot read slot {} over SQL ({}); starting at the server's current segment", settings.slot(),
                    e.getMessage());
        }
        return id.flushLsn();
    }

    /** Archives the history files of the server's timeline and all its ancestors, if missing. */
    private void archiveHistories(ReplicationSession session, int serverTimeline) throws IOException, SQLException {
        if (serverTimeline < 2) {
            return;
        }
        String own = WalFileNames.historyFile(serverTimeline);
        if (archive.find(own).isEmpty()) {
            archive.storeBytes(own, session.timelineHistory(serverTimeline));
            LOG.info("archived timeline history {}", own);
        }
        for (TimelineHistory.Entry e : historyOf(serverTimeline).entries()) {
            String name = WalFileNames.historyFile(e.parent());
            if (e.parent() > 1 && archive.find(name).isEmpty()) {
                archive.storeBytes(name, session.timelineHistory(e.parent()));
                LOG.info("archived timeline history {}", name);
            }
        }
    }

    private TimelineHistory historyOf(int tli) throws IOException {
        Optional<Path> p = archive.find(WalFileNames.historyFile(tli));
        if (p.isEmpty()) {
            throw new WalArchiveException("Timeline history " + WalFileNames.historyFile(tli) + " is not in "
                                          + archive.walDir());
        }
        return TimelineHistory.parse(tli, Files.readAllBytes(p.get()));
    }

    /** The newest archived segment must come from the same cluster as the server. */
    private void checkSameCluster(ServerIdentity id) throws IOException {
        List<WalSegment> done = archive.completedSegments(segmentSize);
        if (done.isEmpty()) {
            return;
        }
        String name = done.get(done.size() - 1).fileName(segmentSize);
        Path stored = archive.find(name).orElseThrow();
        byte[] head;
        try (InputStream in = archive.openContent(stored)) {
            head = in.readNBytes(WalPageHeader.LENGTH);
        }
        WalPageHeader h = WalPageHeader.read(head, head.length);
        if (h != null && h.systemIdentifier() != id.systemIdentifier()) {
            throw new WalArchiveException("The archive " + archive.root() + " holds WAL of database system "
                                          + Long.toUnsignedString(h.systemIdentifier()) + " (" + name + ") but "
                                          + source.describe() + " is database system "
                                          + Long.toUnsignedString(id.systemIdentifier()) + "; use one archive per cluster");
        }
    }

    private void pause(long millis) {
        synchronized (wakeUp) {
            if (!stopping) {
                try {
                    wakeUp.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
        }
    }
}
