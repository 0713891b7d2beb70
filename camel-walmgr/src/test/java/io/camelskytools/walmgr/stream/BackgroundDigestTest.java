package io.camelskytools.walmgr.stream;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.camelskytools.walmgr.archive.Sha256;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackgroundDigestTest {

    @Test
    void chunksHashedOnAnotherThreadGiveTheWholeContentsDigest() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        ExecutorService hasher = Executors.newSingleThreadExecutor();
        try {
            BackgroundDigest d = new BackgroundDigest(hasher);
            // the first part as a resumed partial file is hashed on the caller's thread
            d.updateNow(ByteBuffer.wrap(content, 0, 1000));
            Random sizes = new Random(7);
            int pos = 1000;
            while (pos < content.length) {
                int n = Math.min(content.length - pos, 1 + sizes.nextInt(200_000));
                ByteBuffer chunk = ByteBuffer.wrap(content, pos, n);
                d.update(chunk);
                // the caller goes on using its buffer (the file write consumes it)
                chunk.position(chunk.limit());
                pos += n;
            }
            String expected = Sha256.of(new java.io.ByteArrayInputStream(content));
            assertEquals(expected, d.hex());
        } finally {
            hasher.shutdownNow();
        }
    }
}
