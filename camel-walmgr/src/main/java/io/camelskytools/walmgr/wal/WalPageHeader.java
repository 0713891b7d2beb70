package io.camelskytools.walmgr.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The long page header at the start of every WAL segment: which cluster wrote it (system
 * identifier), where it belongs (page address) and the segment size. Read in the server's
 * byte order, which is little-endian on every platform we run on.
 */
public record WalPageHeader(int magic, int timeline, long pageAddress, long systemIdentifier, int segmentSize,
                            int blockSize) {

    /** Bytes needed to read the long header. */
    public static final int LENGTH = 40;
    private static final int XLP_LONG_HEADER = 0x0002;

    /** The header, or null when the bytes do not start with a long page header. */
    public static WalPageHeader read(byte[] first, int length) {
        if (length < LENGTH) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(first, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getShort(0) & 0xFFFF;
        int info = b.getShort(2) & 0xFFFF;
        if ((info & XLP_LONG_HEADER) == 0) {
            return null;
        }
        return new WalPageHeader(magic, b.getInt(4), b.getLong(8), b.getLong(24), b.getInt(32), b.getInt(36));
    }
}
