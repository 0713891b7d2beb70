package io.camelskytools.walmgr.archive;

import java.io.IOException;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * archive_command: {@code xarchive <path> <name>} (PostgreSQL's %p and %f). PostgreSQL
 * recycles a segment once archive_command exits 0, so {@link #archive} returns only after
 * the file and its checksum are durable, and throws otherwise.
 */
public final class XArchive {

    private static final Logger LOG = LoggerFactory.getLogger(XArchive.class);

    private final WalArchive archive;
    private final boolean compress;

    public XArchive(WalArchive archive, boolean compress) {
        this.archive = archive;
        this.compress = compress;
    }

    /**
     * Archives one file. {@code path} is relative to the data directory when PostgreSQL
     * calls us (archive_command runs there), or absolute.
     */
    public ArchivedFile archive(Path path, String name) throws IOException {
        ArchivedFile f = archive.store(path, name, compress);
        if (!f.existed()) {
            LOG.info("archived {} ({} bytes, sha256 {}) to {}", name, f.size(), f.sha256(), f.path());
        }
        return f;
    }

    /**
     * The entry point a CLI calls: returns the process exit code, 0 only when the file is
     * durably archived; the reason for anything else is printed on stderr (PostgreSQL logs it).
     */
    public static int run(Path archiveDirectory, boolean compress, String path, String name) {
        try {
            new XArchive(WalArchive.open(archiveDirectory), compress).archive(Path.of(path), name);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("walmgr xarchive " + path + " " + name + " failed: " + e.getMessage());
            return 1;
        }
    }
}
