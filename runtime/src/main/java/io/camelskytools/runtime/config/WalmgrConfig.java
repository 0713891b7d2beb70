package io.camelskytools.runtime.config;

import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.jdbc.JdbcUrls;

/**
 * The skytools.walmgr.* keys: what replaces walmgr3's wal-master.ini and wal-slave.ini.
 * One file describes the primary, the archive and (optionally) the standby; each command
 * asks only for the keys it needs, and a missing one is named.
 */
public record WalmgrConfig(SkytoolsConfig config) {

    public static final String PREFIX = "skytools.walmgr.";

    boolean configured() {
        return config.get(PREFIX + "archive") != null;
    }

    public Path archive() {
        return Path.of(required("archive"));
    }

    public String primaryUrl() {
        return url("primary");
    }

    public String primaryUser() {
        return config.get(PREFIX + "primary.user");
    }

    public String primaryPassword() {
        return config.get(PREFIX + "primary.password");
    }

    /** The primary's data directory as this host sees it; null: the server's data_directory. */
    public Path primaryData() {
        String d = config.get(PREFIX + "primary.data");
        return d == null ? null : Path.of(d);
    }

    public String standbyUrl() {
        return url("standby");
    }

    public String standbyUser() {
        return config.get(PREFIX + "standby.user");
    }

    public String standbyPassword() {
        return config.get(PREFIX + "standby.password");
    }

    /** Where `restore` puts the data directory unless told. */
    public Path standbyData() {
        String d = config.get(PREFIX + "standby.data");
        return d == null ? null : Path.of(d);
    }

    /** skytools.walmgr.wal-copies: directories with copies of the archived WAL files, comma-separated. */
    public java.util.List<Path> walCopies() {
        String v = config.get(PREFIX + "wal-copies", "");
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Path::of).toList();
    }

    public String slot() {
        String s = config.get(PREFIX + "slot", "walmgr");
        if (!s.matches("[a-z0-9_]{1,63}")) {
            throw new SkytoolsConfig.ConfigException(PREFIX + "slot must be lower-case letters, digits and '_' (a"
                                                     + " replication slot name), not '" + s + "'");
        }
        return s;
    }

    public Duration flushInterval() {
        return config.duration(PREFIX + "flush-interval", Duration.ofMillis(500));
    }

    /** The archiver as a synchronous standby: every acknowledged commit is durable in the archive. */
    public boolean synchronous() {
        return config.bool(PREFIX + "synchronous", false);
    }

    public boolean compress() {
        return config.bool(PREFIX + "compress", false);
    }

    /** Backups kept by `backup` and `xrotate`; 0 keeps all. */
    public int keepBackups() {
        String v = config.get(PREFIX + "keep-backups", "0");
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new SkytoolsConfig.ConfigException(PREFIX + "keep-backups must be a number >= 0, not '" + v + "'");
        }
    }

    /** Whether `skytools run` streams WAL into the archive (default: when archive and primary are set). */
    public boolean stream() {
        return configured() && config.get(PREFIX + "primary.url") != null && config.bool(PREFIX + "stream", true);
    }

    public String describePrimary() {
        return JdbcUrls.mask(primaryUrl()) + (primaryUser() == null ? "" : " as " + primaryUser());
    }

    private String url(String role) {
        String u = required(role + ".url");
        if (!u.startsWith("jdbc:postgresql:")) {
            throw new SkytoolsConfig.ConfigException(PREFIX + role + ".url must be a jdbc:postgresql: URL, not "
                                                     + JdbcUrls.mask(u));
        }
        return u;
    }

    private String required(String key) {
        String v = config.get(PREFIX + key);
        if (v == null) {
            throw new SkytoolsConfig.ConfigException(PREFIX + key + " is not set");
        }
        return v;
    }
}
