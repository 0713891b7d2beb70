package io.camelskytools.walmgr.stream;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import io.camelskytools.walmgr.archive.Sha256;

/**
 * A SHA-256 fed on another thread, so hashing a segment overlaps receiving and writing it
 * instead of adding to them (hashing is a large share of the archiver's CPU: about 1.5 GB/s per core).
 * The executor must run tasks one at a time in order. A buffer given to {@link #update}
 * must not change afterwards; pgjdbc hands every message a fresh array, so nothing is copied.
 */
final class BackgroundDigest {

    private final Executor hasher;
    private final MessageDigest sha = Sha256.digest();
    private Future<?> last = CompletableFuture.completedFuture(null);

    BackgroundDigest(Executor hasher) {
        this.hasher = hasher;
    }

    /** Hashes now, on the caller's thread: only before the first {@link #update}. */
    void updateNow(ByteBuffer data) {
        sha.update(data);
    }

    void update(ByteBuffer data) {
        ByteBuffer mine = data.asReadOnlyBuffer();
        FutureTask<Void> task = new FutureTask<>(() -> sha.update(mine), null);
        hasher.execute(task);
        last = task;
    }

    /** Waits for every update and returns the hex digest; call once, at the end. */
    String hex() {
        try {
            last.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the segment's SHA-256", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Hashing the segment failed", e.getCause());
        }
        return Sha256.hex(sha);
    }
}
