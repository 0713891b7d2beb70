package io.camelskytools.walmgr.wal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A timeline history file: one line per ancestor timeline, "parentTLI switchpoint reason",
 * the switch point being where that parent timeline ended.
 */
public record TimelineHistory(int timeline, List<Entry> entries) {

    /** Timeline {@code parent} ended at {@code switchPoint}; the next line's timeline (or ours) began there. */
    public record Entry(int parent, long switchPoint) {
    }

    public static TimelineHistory parse(int timeline, byte[] content) {
        List<Entry> out = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+", 3);
            if (f.length < 2) {
                throw new IllegalArgumentException("Timeline history of " + timeline + " has a bad line: " + line);
            }
            out.add(new Entry(Integer.parseInt(f[0]), Lsn.parse(f[1])));
        }
        return new TimelineHistory(timeline, List.copyOf(out));
    }

    /** Where the ancestor timeline {@code tli} ended, if it is one. */
    public Optional<Long> switchPoint(int tli) {
        return entries.stream().filter(e -> e.parent() == tli).map(Entry::switchPoint).findFirst();
    }

    /** The timeline that followed {@code tli}. */
    public int successorOf(int tli) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).parent() == tli) {
                return i + 1 < entries.size() ? entries.get(i + 1).parent() : timeline;
            }
        }
        throw new IllegalArgumentException("Timeline " + tli + " is not an ancestor of timeline " + timeline);
    }
}
