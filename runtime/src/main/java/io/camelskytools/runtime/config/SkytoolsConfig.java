package io.camelskytools.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's configuration: a properties file (--config, or ./skytools.properties when
 * present) whose every key can be overridden by an environment variable (the key upper-cased,
 * dots and dashes as underscores: skytools.db.main.url -> SKYTOOLS_DB_MAIN_URL).
 * <pre>
 * skytools.db.main.url = jdbc:postgresql://db1:5432/orders
 * skytools.db.main.user = ticker
 * skytools.db.main.password = ...
 * skytools.ticker.period = 10ms
 * </pre>
 */
public final class SkytoolsConfig {

    public static final Path DEFAULT_FILE = Path.of("skytools.properties");
    /** Camel Main's usual name, read when there is no skytools.properties. */
    public static final Path CAMEL_FILE = Path.of("application.properties");

    private final Properties props;
    private final Map<String, String> env;
    private final String source;

    SkytoolsConfig(Properties props, Map<String, String> env, String source) {
        this.props = props;
        this.env = env;
        this.source = source;
    }

    /** Loads {@code file}, or ./skytools.properties or ./application.properties when null and present, or nothing. */
    public static SkytoolsConfig load(Path file, Map<String, String> env) {
        Properties p = new Properties();
        Path f = file != null ? file : Files.exists(DEFAULT_FILE) ? DEFAULT_FILE
                : Files.exists(CAMEL_FILE) ? CAMEL_FILE : null;
        if (f != null) {
            if (!Files.isReadable(f)) {
                throw new ConfigException("config file " + f + " does not exist or cannot be read");
            }
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("config file " + f + " cannot be read: " + e.getMessage());
            }
        }
        return new SkytoolsConfig(p, env, f == null ? "defaults" : f.toString());
    }

    public String source() {
        return source;
    }

    public String get(String key) {
        String fromEnv = env.get(envName(key));
        if (fromEnv != null) {
            // set but empty: the key is unset, whatever the file says (SKYTOOLS_WALMGR_STANDBY_URL= ...)
            return fromEnv.isBlank() ? null : fromEnv.strip();
        }
        String v = props.getProperty(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public String get(String key, String dflt) {
        String v = get(key);
        return v == null ? dflt : v;
    }

    public boolean bool(String key, boolean dflt) {
        String v = get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new ConfigException(key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** A duration such as 500ms, 2s, 5m, 1h (a bare number is milliseconds). */
    public Duration duration(String key, Duration dflt) {
        String v = get(key);
        if (v == null) {
            return dflt;
        }
        try {
            String s = v.toLowerCase(Locale.ROOT);
            long n;
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).strip()));
            } else if (s.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1).strip()) * 1000));
            } else if (s.endsWith("m")) {
                n = Long.parseLong(s.substring(0, s.length() - 1).strip());
                return Duration.ofMinutes(n);
            } else if (s.endsWith("h")) {
                n = Long.parseLong(s.substring(0, s.length() - 1).strip());
                return Duration.ofHours(n);
            }
            return Duration.ofMillis(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a duration like 500ms, 2s or 5m, not '" + v + "'");
        }
    }

    /** A size in bytes such as 65536, 512kB or 1MB (k, M and G count 1024s; a trailing B or iB is optional). */
    public long bytes(String key, long dflt) {
        String v = get(key);
        if (v == null) {
            return dflt;
        }
        Matcher m = Pattern.compile("(\\d+)\\s*(?:([kmg])(?:i?b)?|b)?")
                .matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(key + " must be a size like 65536, 512kB or 1MB, not '" + v + "'");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            default -> 30;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n <= 0 || Long.numberOfLeadingZeros(n) <= shift) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a positive size below 8 EB, not '" + v + "'");
        }
    }

    /** The configured databases by name (skytools.db.NAME.url|user|password), in name order. */
    public Map<String, DatabaseConfig> databases() {
        TreeSet<String> names = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            addDbName(names, k);
        }
        for (String k : env.keySet()) {
            if (k.startsWith("SKYTOOLS_DB_") && k.endsWith("_URL")) {
                names.add(k.substring("SKYTOOLS_DB_".length(), k.length() - "_URL".length()).toLowerCase(Locale.ROOT));
            }
        }
        Map<String, DatabaseConfig> out = new LinkedHashMap<>();
        for (String name : names) {
            if (!name.matches("[a-z0-9_-]+")) {
                throw new ConfigException("database name '" + name + "' in skytools.db." + name
                                          + ".* may only use a-z, 0-9, _ and -");
            }
            String url = get("skytools.db." + name + ".url");
            if (url == null && env.containsKey(envName("skytools.db." + name + ".url"))) {
                continue; // blanked by the environment: this database is left out
            }
            if (url == null) {
                throw new ConfigException("skytools.db." + name + ".url is not set");
            }
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new ConfigException("skytools.db." + name + ".url must start with jdbc:postgresql:, not " + url);
            }
            out.put(name, new DatabaseConfig(name, url, get("skytools.db." + name + ".user"),
                    get("skytools.db." + name + ".password")));
        }
        return out;
    }

    /**
     * The file's keys that are not ours (camel.*, the user's own): for Camel Main, so
     * camel.* settings apply and routes can use {{key}} placeholders.
     */
    public Map<String, String> foreignProperties() {
        Map<String, String> out = new TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            if (!k.startsWith("skytools.")) {
                out.put(k, props.getProperty(k).strip());
            }
        }
        return out;
    }

    /** The keys of the file that start with {@code prefix} (the environment's are not known by key). */
    public TreeSet<String> fileKeys(String prefix) {
        TreeSet<String> keys = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            if (k.startsWith(prefix)) {
                keys.add(k);
            }
        }
        return keys;
    }

    /** The NAMEs of keys PREFIX.NAME.something, from the file and the environment. */
    public TreeSet<String> prefixedNames(String prefix) {
        TreeSet<String> names = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            if (k.startsWith(prefix) && k.indexOf('.', prefix.length()) > prefix.length()) {
                names.add(k.substring(prefix.length(), k.indexOf('.', prefix.length())));
            }
        }
        String envPrefix = envName(prefix);
        for (String k : env.keySet()) {
            if (k.startsWith(envPrefix) && k.endsWith("_TYPE")) {
                names.add(k.substring(envPrefix.length(), k.length() - "_TYPE".length()).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static void addDbName(TreeSet<String> names, String key) {
        if (key.startsWith("skytools.db.")) {
            String rest = key.substring("skytools.db.".length());
            int dot = rest.indexOf('.');
            if (dot > 0) {
                names.add(rest.substring(0, dot));
            }
        }
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A bad configuration value; the message names the key. */
    public static final class ConfigException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }
}
