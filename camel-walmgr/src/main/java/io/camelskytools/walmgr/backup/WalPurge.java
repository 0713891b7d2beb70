package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.camelskytools.walmgr.archive.DurableFiles;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.WalFileNames;
import io.camelskytools.walmgr.wal.WalSegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * walmgr's xpurgewals: deletes archived WAL that no kept backup can use, i.e. every segment
 * (completed, gzipped or .partial, with its checksum) and backup history file whose segment
 * number is below the oldest complete backup's first segment, on any timeline, as
 * pg_archivecleanup compares them. Timeline history files are tiny and always kept: recovery
 * of a later timeline reads them all.
 *
 * <p>With no complete backup nothing is deleted: the archive is then all there is.
 */
public final class WalPurge {

    private static final Logger LOG = LoggerFactory.getLogger(WalPurge.class);

    private final WalArchive archive;
    private final BackupStore store;

    public WalPurge(WalArchive archive, BackupStore store) {
        this.archive = archive;
        this.store = store;
    }

    /** Deletes what is no longer needed; returns the names deleted (checksum files included). */
    public List<String> purge() {
        Optional<BackupInfo> oldest = store.list().stream().findFirst();
        if (oldest.isEmpty()) {
            LOG.info("no complete backup in {}: no WAL purged from {}", store.dir(), archive.walDir());
            return List.of();
        }
        BackupManifest m = oldest.get().manifest();
        long keepFrom = m.startSegment().segno();
        List<String> gone = new ArrayList<>();
        try {
            for (String n : archive.fileNames()) {
                if (older(n, keepFrom, m.walSegmentSize())) {
                    Files.deleteIfExists(archive.walDir().resolve(n));
                    gone.add(n);
                }
            }
            if (!gone.isEmpty()) {
                DurableFiles.fsyncDirectory(archive.walDir());
            }
        } catch (IOException e) {
            throw new BackupException("Cannot purge old WAL from " + archive.walDir() + ": " + e.getMessage(), e);
        }
        LOG.info("purged {} WAL files older than {} (first WAL of the oldest backup, {}) from {}", gone.size(),
                oldest.get().startSegment(), oldest.get().name(), archive.walDir());
        return gone;
    }

    static boolean older(String fileName, long keepFrom, long segmentSize) {
        String n = strip(strip(fileName, WalArchive.CHECKSUM_SUFFIX), WalArchive.GZ_SUFFIX);
        if (WalFileNames.isHistory(n)) {
            return false;
        }
        if (WalSegment.isSegmentName(n) || WalFileNames.isPartial(n) || WalFileNames.isBackupLabel(n)) {
            return WalSegment.parse(n.substring(0, 24), segmentSize).segno() < keepFrom;
        }
        return false;
    }

    private static String strip(String n, String suffix) {
        return n.endsWith(suffix) ? n.substring(0, n.length() - suffix.length()) : n;
    }
}
