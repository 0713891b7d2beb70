package io.camelskytools.londiste.copy;

import java.util.HashSet;
import java.util.Set;

/**
 * The snapshot a table was copied in ({@code txid_current_snapshot()} as text,
 * {@code xmin:xmax:xip,...}): an event whose transaction the snapshot sees is already in
 * the copied rows and must not be applied again.
 */
public final class SnapshotFilter {

    private final long xmin;
    private final long xmax;
    private final Set<Long> inProgress;

    private SnapshotFilter(long xmin, long xmax, Set<Long> inProgress) {
        this.xmin = xmin;
        this.xmax = xmax;
        this.inProgress = inProgress;
    }

    /** Null for a null text: no filter. */
    public static SnapshotFilter parse(String snapshot) {
        if (snapshot == null || snapshot.isBlank()) {
            return null;
        }
        String[] parts = snapshot.strip().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("bad snapshot \"" + snapshot + "\": expected xmin:xmax:xip_list");
        }
        Set<Long> xip = new HashSet<>();
        if (!parts[2].isEmpty()) {
            for (String x : parts[2].split(",")) {
                xip.add(Long.parseLong(x));
            }
        }
        return new SnapshotFilter(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    }

    /** The snapshot sees transaction {@code txid}: committed before the copy read the table. */
    public boolean sees(long txid) {
        if (txid < xmin) {
            return true;
        }
        return txid < xmax && !inProgress.contains(txid);
    }
}
