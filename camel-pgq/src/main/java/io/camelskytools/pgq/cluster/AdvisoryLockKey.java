package io.camelskytools.pgq.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The advisory lock key of a cluster namespace: the first 8 bytes (big-endian, signed) of
 * SHA-256 of {@code "camel-skytools-cluster:" + namespace} in UTF-8, taken with the one-bigint
 * form of {@code pg_try_advisory_lock}. The same in SQL:
 * {@code ('x' || left(encode(sha256(convert_to('camel-skytools-cluster:' || ns, 'UTF8')), 'hex'), 16))::bit(64)::bigint}.
 * PgQ's own advisory locks use the two-int4 form, a separate key space in PostgreSQL.
 */
public final class AdvisoryLockKey {

    static final String PREFIX = "camel-skytools-cluster:";

    private AdvisoryLockKey() {
    }

    public static long of(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("cluster namespace must not be empty");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((PREFIX + namespace).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
