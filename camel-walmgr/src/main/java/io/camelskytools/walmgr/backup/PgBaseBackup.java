package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.camelskytools.walmgr.archive.DurableFiles;
import io.camelskytools.walmgr.wal.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base backup over the replication protocol by PostgreSQL's own pg_basebackup (plain
 * format, no WAL: recovery takes it from the archive, as with {@link BaseBackup}), for when
 * walmgr does not run on the server's host. The result has the same layout and manifest as
 * {@link BaseBackup}'s: data/ with backup_label and tablespace_map, tablespaces/OID/.
 *
 * <p>pg_basebackup waits until the backup's last WAL segment is archived, and writes its own
 * backup_manifest, from which the end LSN is read (then the file is dropped: ours replaces it).
 */
public final class PgBaseBackup {

    private static final Logger LOG = LoggerFactory.getLogger(PgBaseBackup.class);
    private static final Pattern START = Pattern.compile("(?m)^START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) ");
    private static final Pattern END_LSN = Pattern.compile("\"End-LSN\"\\s*:\\s*\"([0-9A-F]+/[0-9A-F]+)\"");

    private final ServerConnector sql;
    private final String conninfo;
    private final String pgBasebackup;
    private final BackupStore store;
    private String password;
    private String label = "walmgr";

    /**
     * @param sql          an SQL connection to the same server (facts and tablespaces)
     * @param conninfo     the libpq connection string pg_basebackup uses (no password: see {@link #password})
     * @param pgBasebackup the pg_basebackup binary, of the server's major version
     */
    public PgBaseBackup(ServerConnector sql, String conninfo, Path pgBasebackup, BackupStore store) {
        if (!Files.isExecutable(pgBasebackup)) {
            throw new BackupException("pg_basebackup not found or not executable at " + pgBasebackup);
        }
        this.sql = sql;
        this.conninfo = conninfo;
        this.pgBasebackup = pgBasebackup.toString();
        this.store = store;
    }

    /** Given to pg_basebackup through PGPASSWORD, never on its command line. */
    public PgBaseBackup password(String p) {
        this.password = p;
        return this;
    }

    public PgBaseBackup label(String l) {
        if (l == null || l.isEmpty() || l.length() > 1000 || l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("Backup label must be 1-1000 characters on one line, not '" + l + "'");
        }
        this.label = l;
        return this;
    }

    public BackupInfo take(String name) {
        String n = name != null ? name : store.newName(Instant.now());
        Path dir = store.create(n);
        try {
            BackupInfo info = run(n, dir);
            LOG.info("backup {} of {} by pg_basebackup complete: {} files, {} MB, first WAL {}", n, sql.describe(),
                    info.manifest().fileCount(), info.sizeBytes() >> 20, info.startSegment());
            return info;
        } catch (IOException | SQLException | RuntimeException e) {
            try {
                BackupStore.deleteTree(dir);
            } catch (IOException ignored) {
                LOG.warn("could not remove the unfinished backup directory {}", dir);
            }
            if (e instanceof BackupException be) {
                throw be;
            }
            throw new BackupException("Backup " + n + " of " + sql.describe() + " by pg_basebackup failed: " + e.getMessage(), e);
        }
    }

    private BackupInfo run(String name, Path dir) throws IOException, SQLException {
        ServerFacts facts;
        Map<Integer, String> spaces = new TreeMap<>();
        try (Connection c = sql.connect(); Statement st = c.createStatement()) {
            facts = ServerFacts.query(c);
            BackupFunctions.forVersion(facts.versionNum(), sql.describe());
            try (ResultSet rs = st.executeQuery("select oid, pg_tablespace_location(oid) from pg_tablespace"
                                                + " where pg_tablespace_location(oid) <> ''")) {
                while (rs.next()) {
                    spaces.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        Path data = dir.resolve(DataDirectoryScan.DATA);
        List<String> cmd = new ArrayList<>(List.of(pgBasebackup, "-d", conninfo, "-D", data.toString(), "-F", "p",
                "-X", "none", "-c", "fast", "-l", label, "-w"));
        for (Map.Entry<Integer, String> s : spaces.entrySet()) {
            Path to = dir.resolve(DataDirectoryScan.TABLESPACES).resolve(Integer.toString(s.getKey()));
            cmd.add("--tablespace-mapping=" + s.getValue().replace("=", "\\=") + "=" + to.toString().replace("=", "\\="));
        }
        LOG.info("backup {} of {} by pg_basebackup into {}", name, sql.describe(), dir);
        Instant startTime = serverNow(); // a lower bound: the label's START TIME is in the server's log_timezone
        exec(cmd);

        String labelFile = Files.readString(data.resolve("backup_label"), StandardCharsets.UTF_8);
        long startLsn = Lsn.parse(group(START, labelFile, "backup_label"));
        Path pgManifest = data.resolve("backup_manifest");
        long stopLsn = Lsn.parse(group(END_LSN, Files.readString(pgManifest, StandardCharsets.UTF_8), "backup_manifest"));
        Files.delete(pgManifest);
        Instant stopTime = serverNow();

        // pg_basebackup linked pg_tblspc to the copies; a restore makes its own links from tablespace_map
        StringBuilder map = new StringBuilder();
        try (DirectoryStream<Path> links = Files.newDirectoryStream(data.resolve("pg_tblspc"))) {
            for (Path l : links) {
                Files.delete(l);
            }
        }
        spaces.forEach((oid, p) -> map.append(oid).append(' ').append(p).append('\n'));
        if (!spaces.isEmpty()) {
            DurableFiles.writeDurably(data.resolve("tablespace_map"), map.toString().getBytes(StandardCharsets.UTF_8));
        }
        Files.createDirectories(data.resolve("pg_wal").resolve("archive_status"));

        BackupManifest m = new BackupManifest(name, label, facts.systemIdentifier(), facts.versionNum(),
                facts.walSegmentSize(), BackupLabel.timeline(labelFile), startLsn, stopLsn, startTime, stopTime,
                facts.dataDirectory(), spaces, BackupDirectoryListing.of(dir));
        DurableFiles.writeDurably(dir.resolve(BackupManifest.FILE_NAME), m.toText().getBytes(StandardCharsets.UTF_8));
        DurableFiles.fsyncDirectory(store.dir());
        return new BackupInfo(dir, m);
    }

    private Instant serverNow() throws SQLException {
        try (Connection c = sql.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private void exec(List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (password != null) {
            pb.environment().put("PGPASSWORD", password);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new BackupException("pg_basebackup of " + sql.describe() + " did not finish within an hour");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BackupException("Interrupted while pg_basebackup of " + sql.describe() + " ran", e);
        }
        if (p.exitValue() != 0) {
            throw new BackupException("pg_basebackup of " + sql.describe() + " exited with " + p.exitValue() + ": "
                                      + out.strip());
        }
    }

    private static String group(Pattern p, String text, String file) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new BackupException("pg_basebackup's " + file + " has no " + p.pattern() + " (PostgreSQL 13 or later"
                                      + " writes one)");
        }
        return m.group(1);
    }
}
