package io.camelskytools.walmgr.restore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.camelskytools.walmgr.archive.Sha256;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.FileCopier;
import io.camelskytools.walmgr.backup.ManifestEntry;
import io.camelskytools.walmgr.backup.ServerConfigFiles;

/** The config files a backup kept from outside the primary's data directory, put into a restored one. */
final class ConfigFilesFromBackup {

    private static final List<String> CONFIG_NAMES = List.of("postgresql.conf", "pg_hba.conf", "pg_ident.conf");

    private ConfigFilesFromBackup() {
    }

    /**
     * Puts the primary's config files that the backup kept from outside its data directory
     * where the restored server looks for them; says which, and what postgresql.conf lost.
     * {@code autoConf}: the settings postgresql.auto.conf will hold.
     */
    static List<String> putInto(BackupInfo b, Path dataDir, Set<String> autoConf) throws IOException {
        Set<String> overridden = autoConf.stream().map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<String> restored = new ArrayList<>();
        String prefix = ServerConfigFiles.DIR + "/";
        for (ManifestEntry e : b.manifest().entries()) {
            if (e.dir() || !e.path().startsWith(prefix)) {
                continue;
            }
            String name = e.path().substring(prefix.length());
            if (!CONFIG_NAMES.contains(name)) {
                throw new RestoreException("Backup " + b.name() + " lists " + e.path() + ", which is not a config file");
            }
            Path from = b.dir().resolve(e.path());
            if (!Files.isRegularFile(from)) {
                throw new RestoreException("Backup " + b.name() + " lacks file " + e.path() + " that its manifest lists");
            }
            byte[] bytes = Files.readAllBytes(from);
            String sha = Sha256.of(new ByteArrayInputStream(bytes));
            if (bytes.length != e.size() || !sha.equals(e.sha256())) {
                throw new RestoreException("File " + from + " of backup " + b.name() + " is damaged: " + bytes.length
                                           + " bytes, sha256 " + sha + "; the manifest says " + e.size()
                                           + " bytes, sha256 " + e.sha256());
            }
            String note = name;
            if (name.equals("postgresql.conf")) {
                MovedPostgresqlConf conf = MovedPostgresqlConf.of(new String(bytes, StandardCharsets.UTF_8), overridden);
                bytes = conf.text().getBytes(StandardCharsets.UTF_8);
                if (!conf.leftOut().isEmpty()) {
                    note += " (left out: " + String.join(", ", conf.leftOut()) + ")";
                }
            }
            Path to = dataDir.resolve(name);
            Files.deleteIfExists(to);
            Files.write(to, bytes);
            Files.setPosixFilePermissions(to, FileCopier.FILE_MODE);
            restored.add(note);
        }
        return restored;
    }
}
