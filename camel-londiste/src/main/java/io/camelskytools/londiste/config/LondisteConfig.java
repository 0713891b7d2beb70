package io.camelskytools.londiste.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.worker.WorkerSettings;

/**
 * A londiste3 ini file as it is: section {@code [londiste]} (python londiste 3.11) or
 * {@code [londiste3]} (Skytools 3's), with Skytools' implicit defaults ({@code job_name} is
 * the file's name without extension, {@code config_dir}, {@code host_name}, ...). Keys we
 * use are typed here; keys londiste3 has and we do not need are accepted silently; anything
 * else is reported once by {@link #unknownKeys()}.
 */
public record LondisteConfig(Path file, String jobName, String db, String queueName, String publicNodeLocation,
                             String initialProviderLocation, int parallelCopies, Duration loopDelay,
                             Duration exceptionSleep, Duration globalWatermarkPeriod, Duration localWatermarkPeriod,
                             Duration lockTimeout, Set<String> unknownKeys) {

    /** Keys of londiste3 and Skytools' script framework that are fine to have here. */
    private static final Set<String> KNOWN = Set.of("job_name", "db", "queue_name", "public_node_location",
            "initial_provider_location", "parallel_copies", "loop_delay", "exception_sleep",
            "global_wm_publish_period", "local_wm_publish_period", "logfile", "pidfile", "use_skylog", "skylog",
            "connection_lifetime", "remote_extra_connstr", "threaded_copy_tables", "threaded_copy_pool_size",
            "local_only", "local_only_drop_execute", "lock_timeout", "compare_sql", "compare_fmt",
            "register_only_tables", "register_only_seqs", "register_skip_tables", "register_skip_seqs",
            "handler_modules", "consumer_name", "table_filter", "pgq_lazy_fetch", "pgq_autocommit",
            "pgq_batch_collect_events", "pgq_batch_collect_interval", "pgq_keep_lag", "keepalive_stats",
            "node_name", "config_format", "log_count", "log_size", "loop_delay_noqueue", "stats_period",
            "config_dir", "config_file", "host_name", "service_name", "use_syslog", "syslog_facility",
            "syslog_ident", "shard_info_sql", "shard_hash_func", "obfuscator_map", "obfuscator_key");

    public static LondisteConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Config file not found: " + file);
        }
        IniFile ini = IniFile.read(file);
        String section = ini.hasSection("londiste") ? "londiste" : ini.hasSection("londiste3") ? "londiste3" : null;
        if (section == null) {
            throw new IllegalArgumentException(file + ": No section: 'londiste' (no [londiste] or [londiste3] section)");
        }
        Map<String, String> defs = new LinkedHashMap<>();
        String name = file.getFileName().toString();
        defs.put("job_name", name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name);
        defs.put("service_name", section);
        defs.put("host_name", hostName());
        defs.put("config_dir", file.toAbsolutePath().getParent().toString());
        defs.put("config_file", file.toString());
        Map<String, String> kv = ini.section(section, defs);
        if ("2".equals(kv.get("config_format"))) {
            throw new IllegalArgumentException(file + ": config_format = 2 (${...} syntax) is not supported;"
                                               + " use %(key)s references");
        }
        Set<String> unknown = new TreeSet<>(kv.keySet());
        unknown.removeAll(KNOWN);
        String db = required(kv, "db", file);
        Conninfo.parse(db);
        return new LondisteConfig(file, kv.get("job_name"), db, required(kv, "queue_name", file),
                kv.get("public_node_location"), kv.get("initial_provider_location"),
                positiveInt(kv, "parallel_copies", 1, file), seconds(kv, "loop_delay", 1.0, file),
                seconds(kv, "exception_sleep", 20, file), seconds(kv, "global_wm_publish_period", 300, file),
                seconds(kv, "local_wm_publish_period", 300, file), seconds(kv, "lock_timeout", 10, file), unknown);
    }

    /** The worker settings this file gives, for the node's database. */
    public WorkerSettings workerSettings() {
        return new WorkerSettings(queueName, Conninfo.parse(db).jdbcUrl(), parallelCopies, 1000, loopDelay,
                globalWatermarkPeriod, localWatermarkPeriod);
    }

    /** The JDBC URL of this node's database. */
    public String jdbcUrl() {
        return Conninfo.parse(db).jdbcUrl();
    }

    /** Where other nodes reach this one: public_node_location, else db. */
    public String publicLocation() {
        return publicNodeLocation != null ? publicNodeLocation : db;
    }

    public List<String> unknownKeyList() {
        return List.copyOf(unknownKeys);
    }

    private static String required(Map<String, String> kv, String key, Path file) {
        String v = kv.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(file + ": " + key + " is missing");
        }
        return v;
    }

    private static int positiveInt(Map<String, String> kv, String key, int def, Path file) {
        String v = kv.get(key);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + key + " must be a whole number of at least 1, not \"" + v
                                               + "\"");
        }
    }

    private static Duration seconds(Map<String, String> kv, String key, double def, Path file) {
        String v = kv.get(key);
        double s = def;
        if (v != null) {
            try {
                s = Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": " + key + " must be a number of seconds, not \"" + v
                                                   + "\"");
            }
            if (s < 0) {
                throw new IllegalArgumentException(file + ": " + key + " must not be negative: " + v);
            }
        }
        return Duration.ofNanos((long) (s * 1e9));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
