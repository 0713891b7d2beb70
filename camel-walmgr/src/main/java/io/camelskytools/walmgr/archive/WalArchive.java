package io.camelskytools.walmgr.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.camelskytools.walmgr.wal.WalFileNames;
import io.camelskytools.walmgr.wal.WalSegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local WAL archive directory.
 *
 * <pre>
 * ARCHIVE/wal/000000010000000000000003          completed segment (or ...03.gz when compressed)
 * ARCHIVE/wal/000000010000000000000003.sha256   its checksum
 * ARCHIVE/wal/00000002.history                  timeline history (+ .sha256); .backup files alike
 * ARCHIVE/wal/000000010000000000000004.partial  the segment the streaming archiver is filling
 * </pre>
 *
 * Checksums are one sidecar per file, {@code NAME.sha256}, in sha256sum format
 * ("hex, two spaces, NAME"), of the <em>uncompressed</em> content, so a segment keeps its
 * checksum whether it is stored plain or gzipped, and {@code sha256sum -c *.sha256} checks
 * an uncompressed archive by hand. A sidecar is made durable before its file is renamed into
 * place: a crash leaves at worst a checksum without a file (reported missing, written again),
 * never a file without a checksum. The streaming archiver's {@code .partial} has no sidecar;
 * it gets one when it completes. Every write goes through {@link DurableFiles}.
 */
public final class WalArchive {

    public static final String WAL_DIR = "wal";
    public static final String CHECKSUM_SUFFIX = ".sha256";
    public static final String GZ_SUFFIX = ".gz";
    public static final String PARTIAL_SUFFIX = ".partial";

    private static final Logger LOG = LoggerFactory.getLogger(WalArchive.class);
    private static final Duration STALE_TEMP = Duration.ofHours(1);

    private final Path root;
    private final Path wal;

    private WalArchive(Path root) {
        this.root = root;
        this.wal = root.resolve(WAL_DIR);
    }

    /**
     * Opens an archive directory that must exist and be writable (it is not created: a typo
     * in a path should not start a new, empty archive somewhere). Creates {@code wal/} in it.
     */
    public static WalArchive open(Path root) {
        if (root == null) {
            throw new WalArchiveException("No WAL archive directory given");
        }
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new WalArchiveException("WAL archive directory " + abs + " does not exist (create it first)");
        }
        if (!Files.isDirectory(abs)) {
            throw new WalArchiveException("WAL archive directory " + abs + " is not a directory");
        }
        WalArchive archive = new WalArchive(abs);
        try {
            Files.createDirectories(archive.wal);
            // isWritable() says yes to root on a read-only or immutable directory: really write
            Path probe = DurableFiles.tempFor(archive.wal.resolve("probe"));
            Files.write(probe, new byte[0], StandardOpenOption.CREATE_NEW);
            Files.delete(probe);
        } catch (IOException e) {
            throw new WalArchiveException("WAL archive directory " + abs + " is not writable: " + describe(e), e);
        }
        archive.removeStaleTemps();
        return archive;
    }

    public Path root() {
        return root;
    }

    public Path walDir() {
        return wal;
    }

    /**
     * Stores a finished WAL file (archive_command). Returns once file and checksum are durable.
     * The same content already archived is accepted; different content is a
     * {@link WalArchiveException} naming both files.
     */
    public ArchivedFile store(Path source, String name, boolean compress) throws IOException {
        checkName(name);
        if (!Files.isRegularFile(source)) {
            throw new NoSuchFileException(source.toString(), null, "WAL file to archive is missing or not a file");
        }
        boolean gzip = compress && WalSegment.isSegmentName(name);
        Path target = wal.resolve(gzip ? name + GZ_SUFFIX : name);
        Path tmp = DurableFiles.tempFor(target);
        try {
            MessageDigest digest = Sha256.digest();
            long size;
            try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(source)), digest);
                 OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                size = gzip ? gzipCopy(in, raw) : in.transferTo(raw);
            }
            String sha = Sha256.hex(digest);
            Optional<ArchivedFile> same = acceptExisting(name, sha, size, source);
            if (same.isPresent()) {
                return same.get();
            }
            DurableFiles.fsync(tmp);
            writeChecksum(name, sha);
            DurableFiles.commit(tmp, target);
            return new ArchivedFile(name, target, sha, size, false);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Turns a streamed {@code .partial} that now holds a whole segment into the completed
     * segment: checksum, then (compressed copy or) rename, then the partial is gone.
     */
    public ArchivedFile completePartial(Path partial, String name, boolean compress) throws IOException {
        String sha;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(partial))) {
            sha = Sha256.of(in);
        }
        return completePartial(partial, name, compress, sha, false);
    }

    /**
     * The same, for a caller that already knows the content's SHA-256 and may have fsynced
     * the partial itself ({@code synced}): the streaming archiver, which hashes as it writes.
     * With {@code synced}, the final rename is left for the caller to make durable (one
     * directory fsync for it and the next partial file).
     */
    public ArchivedFile completePartial(Path partial, String name, boolean compress, String sha, boolean synced)
            throws IOException {
        if (!WalSegment.isSegmentName(name)) {
            throw new IllegalArgumentException("Not a WAL segment name: " + name);
        }
        long size = Files.size(partial);
        Optional<ArchivedFile> same = acceptExisting(name, sha, size, partial);
        if (same.isPresent()) {
            Files.delete(partial);
            DurableFiles.fsyncDirectory(wal);
            return same.get();
        }
        if (!synced) {
            DurableFiles.fsync(partial);
        }
        writeChecksum(name, sha);
        if (compress) {
            Path target = wal.resolve(name + GZ_SUFFIX);
            Path tmp = DurableFiles.tempFor(target);
            try {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(partial));
                     OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                    gzipCopy(in, raw);
                }
                DurableFiles.fsync(tmp);
                DurableFiles.commit(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.delete(partial);
            DurableFiles.fsyncDirectory(wal);
            return new ArchivedFile(name, target, sha, size, false);
        }
        Path target = wal.resolve(name);
        if (synced) {
            DurableFiles.rename(partial, target);
        } else {
            DurableFiles.commit(partial, target);
        }
        return new ArchivedFile(name, target, sha, size, false);
    }

    /** Writes a small file (timeline history) durably with its checksum; same rules as {@link #store}. */
    public ArchivedFile storeBytes(String name, byte[] content) throws IOException {
        checkName(name);
        String sha = Sha256.of(new java.io.ByteArrayInputStream(content));
        Optional<ArchivedFile> same = acceptExisting(name, sha, content.length, null);
        if (same.isPresent()) {
            return same.get();
        }
        writeChecksum(name, sha);
        Path target = wal.resolve(name);
        DurableFiles.writeDurably(target, content);
        return new ArchivedFile(name, target, sha, content.length, false);
    }

    /** Where a WAL file is stored (plain or .gz), if it is. */
    public Optional<Path> find(String name) {
        Path plain = wal.resolve(name);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        Path gz = wal.resolve(name + GZ_SUFFIX);
        return Files.isRegularFile(gz) ? Optional.of(gz) : Optional.empty();
    }

    /** The checksum recorded for a WAL file, if there is one. */
    public Optional<String> recordedChecksum(String name) throws IOException {
        Path side = wal.resolve(name + CHECKSUM_SUFFIX);
        if (!Files.isRegularFile(side)) {
            return Optional.empty();
        }
        String line = Files.readString(side, StandardCharsets.US_ASCII).trim();
        int sp = line.indexOf(' ');
        String hex = sp < 0 ? line : line.substring(0, sp);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new WalArchiveException("Checksum file " + side + " does not hold a SHA-256 (found: " + line + ")");
        }
        return Optional.of(hex);
    }

    /** The uncompressed content of a stored file. */
    public InputStream openContent(Path stored) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(stored), 1 << 16);
        return stored.getFileName().toString().endsWith(GZ_SUFFIX) ? new GZIPInputStream(in, 1 << 16) : in;
    }

    public String computeChecksum(Path stored) throws IOException {
        try (InputStream in = openContent(stored)) {
            return Sha256.of(in);
        }
    }

    /** Every completed segment in the archive (plain or .gz), oldest first. */
    public List<WalSegment> completedSegments(long segmentSize) throws IOException {
        List<WalSegment> out = new ArrayList<>();
        for (String n : fileNames()) {
            String base = n.endsWith(GZ_SUFFIX) ? n.substring(0, n.length() - GZ_SUFFIX.length()) : n;
            if (WalSegment.isSegmentName(base)) {
                out.add(WalSegment.parse(base, segmentSize));
            }
        }
        out.sort(null);
        return out;
    }

    /** The streamed partial segments (normally at most one), oldest first. */
    public List<WalSegment> partialSegments(long segmentSize) throws IOException {
        List<WalSegment> out = new ArrayList<>();
        for (String n : fileNames()) {
            if (WalFileNames.isPartial(n) && !Files.exists(wal.resolve(n + CHECKSUM_SUFFIX))) {
                out.add(WalSegment.parse(n.substring(0, 24), segmentSize));
            }
        }
        out.sort(null);
        return out;
    }

    public Path partialPath(String segmentName) {
        return wal.resolve(segmentName + PARTIAL_SUFFIX);
    }

    /** The names in wal/, temporary files left out, sorted. */
    public List<String> fileNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(wal)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(DurableFiles.TEMP_PREFIX)) {
                    names.add(n);
                }
            }
        }
        names.sort(null);
        return names;
    }

    private Optional<ArchivedFile> acceptExisting(String name, String sha, long size, Path source) throws IOException {
        Optional<Path> existing = find(name);
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> recorded = recordedChecksum(name);
        if (recorded.isEmpty() && WalFileNames.isPartial(name)) {
            // our own streamed partial: PostgreSQL's copy (archived at promotion) is the whole truth
            return Optional.empty();
        }
        String old = recorded.isPresent() ? recorded.get() : computeChecksum(existing.get());
        if (!old.equals(sha)) {
            throw new WalArchiveException("WAL file " + name + " is already archived as " + existing.get()
                                          + " (sha256 " + old + ") and differs from the new copy"
                                          + (source == null ? "" : " " + source) + " (sha256 " + sha
                                          + "); refusing to overwrite");
        }
        if (recorded.isEmpty()) {
            writeChecksum(name, sha);
        }
        LOG.info("the WAL file {} was already archived with the same content; accepted", name);
        return Optional.of(new ArchivedFile(name, existing.get(), sha, size, true));
    }

    private void writeChecksum(String name, String sha) throws IOException {
        DurableFiles.writeDurably(wal.resolve(name + CHECKSUM_SUFFIX),
                (sha + "  " + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void checkName(String name) {
        if (name == null || !WalFileNames.isArchivable(name)) {
            throw new IllegalArgumentException("Not a WAL file name PostgreSQL archives (segment, .partial, .history"
                                               + " or .backup): " + name);
        }
    }

    private static long gzipCopy(InputStream in, OutputStream raw) throws IOException {
        try (GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16)) {
            return in.transferTo(gz);
        }
    }

    private void removeStaleTemps() {
        // another process may be writing a fresh one right now: only old leftovers of crashes go
        Instant cutoff = Instant.now().minus(STALE_TEMP);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(wal, DurableFiles.TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                FileTime t = Files.getLastModifiedTime(p);
                if (t.toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(p);
                    LOG.info("removed {}, left over by an interrupted write", p);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not clean temporary files in {}: {}", wal, describe(e));
        }
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
