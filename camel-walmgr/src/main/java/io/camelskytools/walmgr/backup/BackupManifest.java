package io.camelskytools.walmgr.backup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;

/**
 * What a complete backup holds; the file {@code manifest} in the backup directory, written
 * last, so a backup without one is incomplete.
 *
 * <p>Format (UTF-8 text, one item per line, fields split by single spaces; the last field
 * of a line is the rest of it, so paths and labels may hold spaces; backslash, newline,
 * tab and carriage return in it are written as {@code \\ \n \t \r}):
 * <pre>
 * walmgr-backup-manifest 1
 * name base_20261125T013000Z
 * label nightly
 * system-identifier 7301234567890123456
 * server-version 150010
 * wal-segment-size 16777216
 * timeline 1
 * start-lsn 0/2000028
 * start-segment 000000010000000000000002
 * stop-lsn 0/2000138
 * stop-segment 000000010000000000000002
 * start-time 2026-11-25T01:30:00.123456Z
 * stop-time 2026-11-25T01:30:04.654321Z
 * data-directory /var/lib/postgresql/15/main
 * tablespace 16384 /srv/fast              (one per tablespace: OID and where it was)
 * dir data/pg_wal                          (every directory, parents first)
 * file 8192 3f5a...e1 data/base/1/1259     (size, sha256, path)
 * end 1234 41234567                        (number of files, their total bytes)
 * </pre>
 * The {@code end} line guards against a truncated manifest.
 */
public record BackupManifest(String name, String label, long systemIdentifier, int serverVersion, long walSegmentSize,
                             int timeline, long startLsn, long stopLsn, Instant startTime, Instant stopTime,
                             String dataDirectory, Map<Integer, String> tablespaces, List<ManifestEntry> entries) {

    public static final String FILE_NAME = "manifest";
    private static final String MAGIC = "walmgr-backup-manifest 1";

    public BackupManifest {
        tablespaces = Map.copyOf(tablespaces);
        entries = List.copyOf(entries);
    }

    public WalSegment startSegment() {
        return WalSegment.containing(timeline, startLsn, walSegmentSize);
    }

    /** The segment holding the end of the backup: recovery is consistent once past it. */
    public WalSegment stopSegment() {
        return WalSegment.containing(timeline, Math.max(startLsn, stopLsn - 1), walSegmentSize);
    }

    public long totalBytes() {
        return entries.stream().mapToLong(ManifestEntry::size).sum();
    }

    public long fileCount() {
        return entries.stream().filter(e -> !e.dir()).count();
    }

    public String toText() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        line(b, "name", name);
        line(b, "label", label);
        line(b, "system-identifier", Long.toUnsignedString(systemIdentifier));
        line(b, "server-version", Integer.toString(serverVersion));
        line(b, "wal-segment-size", Long.toString(walSegmentSize));
        line(b, "timeline", Integer.toString(timeline));
        line(b, "start-lsn", Lsn.format(startLsn));
        line(b, "start-segment", startSegment().fileName(walSegmentSize));
        line(b, "stop-lsn", Lsn.format(stopLsn));
        line(b, "stop-segment", stopSegment().fileName(walSegmentSize));
        line(b, "start-time", startTime.toString());
        line(b, "stop-time", stopTime.toString());
        line(b, "data-directory", dataDirectory);
        tablespaces.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(t -> line(b, "tablespace", t.getKey() + " " + escape(t.getValue())));
        for (ManifestEntry e : entries) {
            if (e.dir()) {
                b.append("dir ").append(escape(e.path())).append('\n');
            } else {
                b.append("file ").append(e.size()).append(' ').append(e.sha256()).append(' ')
                        .append(escape(e.path())).append('\n');
            }
        }
        b.append("end ").append(fileCount()).append(' ').append(totalBytes()).append('\n');
        return b.toString();
    }

    public static BackupManifest read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new BackupException("Cannot read backup manifest " + file + ": " + e.getMessage(), e);
        }
    }

    static BackupManifest parse(String text, String where) {
        Map<String, String> head = new LinkedHashMap<>();
        Map<Integer, String> spaces = new LinkedHashMap<>();
        List<ManifestEntry> entries = new ArrayList<>();
        boolean ended = false;
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String first = r.readLine();
            lineNo++;
            if (!MAGIC.equals(first)) {
                throw new BackupException("Backup manifest " + where + " does not start with '" + MAGIC + "'");
            }
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (ended) {
                    throw new BackupException("Backup manifest " + where + " has lines after its end line (" + lineNo + ")");
                }
                int sp = line.indexOf(' ');
                String key = sp < 0 ? line : line.substring(0, sp);
                String rest = sp < 0 ? "" : line.substring(sp + 1);
                switch (key) {
                    case "tablespace" -> {
                        String[] f = rest.split(" ", 2);
                        spaces.put(Integer.parseInt(f[0]), unescape(f[1]));
                    }
                    case "dir" -> entries.add(ManifestEntry.directory(unescape(rest)));
                    case "file" -> {
                        String[] f = rest.split(" ", 3);
                        entries.add(ManifestEntry.file(unescape(f[2]), Long.parseLong(f[0]), f[1]));
                    }
                    case "end" -> {
                        String[] f = rest.split(" ");
                        long files = entries.stream().filter(e -> !e.dir()).count();
                        long bytes = entries.stream().mapToLong(ManifestEntry::size).sum();
                        if (Long.parseLong(f[0]) != files || Long.parseLong(f[1]) != bytes) {
                            throw new BackupException("Backup manifest " + where + " lists " + files + " files, "
                                                      + bytes + " bytes, but its end line says " + rest);
                        }
                        ended = true;
                    }
                    default -> head.put(key, unescape(rest));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException("Backup manifest " + where + " is malformed at line " + lineNo + ": " + e, e);
        }
        if (!ended) {
            throw new BackupException("Backup manifest " + where + " has no end line (truncated?)");
        }
        try {
            return new BackupManifest(need(head, "name", where), need(head, "label", where),
                    Long.parseUnsignedLong(need(head, "system-identifier", where)),
                    Integer.parseInt(need(head, "server-version", where)),
                    Long.parseLong(need(head, "wal-segment-size", where)),
                    Integer.parseInt(need(head, "timeline", where)),
                    Lsn.parse(need(head, "start-lsn", where)), Lsn.parse(need(head, "stop-lsn", where)),
                    Instant.parse(need(head, "start-time", where)), Instant.parse(need(head, "stop-time", where)),
                    need(head, "data-directory", where), spaces, entries);
        } catch (RuntimeException e) {
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException("Backup manifest " + where + " has a bad value: " + e.getMessage(), e);
        }
    }

    private static String need(Map<String, String> head, String key, String where) {
        String v = head.get(key);
        if (v == null) {
            throw new BackupException("Backup manifest " + where + " has no '" + key + "' line");
        }
        return v;
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(key).append(' ').append(escape(value)).append('\n');
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
