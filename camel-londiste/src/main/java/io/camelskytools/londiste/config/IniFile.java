package io.camelskytools.londiste.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ini file as Skytools' scripts read it (Python's ConfigParser): {@code [section]} headers,
 * {@code key = value} or {@code key: value}, {@code #} and {@code ;} comment lines, indented
 * continuation lines, and {@code %(key)s} references to keys of the same section or
 * {@code [DEFAULT]} ({@code %%} is a percent sign).
 */
public final class IniFile {

    private static final Pattern REF = Pattern.compile("%\\(([^)]+)\\)s|%%");

    private final Path path;
    private final Map<String, Map<String, String>> sections;

    private IniFile(Path path, Map<String, Map<String, String>> sections) {
        this.path = path;
        this.sections = sections;
    }

    public static IniFile read(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        return parse(path, lines);
    }

    static IniFile parse(Path path, List<String> lines) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        String lastKey = null;
        for (int n = 0; n < lines.size(); n++) {
            String raw = lines.get(n);
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0)) && current != null && lastKey != null) {
                current.put(lastKey, current.get(lastKey) + "\n" + line);
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new IllegalArgumentException(path + " line " + (n + 1) + ": bad section header: " + line);
                }
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(),
                        k -> new LinkedHashMap<>());
                lastKey = null;
                continue;
            }
            int eq = separator(line);
            if (eq <= 0) {
                throw new IllegalArgumentException(path + " line " + (n + 1) + ": expected key = value: " + line);
            }
            if (current == null) {
                throw new IllegalArgumentException(path + " line " + (n + 1) + ": key before any [section]: " + line);
            }
            lastKey = line.substring(0, eq).strip().toLowerCase();
            current.put(lastKey, line.substring(eq + 1).strip());
        }
        return new IniFile(path, sections);
    }

    private static int separator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    public Path path() {
        return path;
    }

    public boolean hasSection(String section) {
        return sections.containsKey(section);
    }

    /**
     * The section's keys with [DEFAULT]'s and {@code defaults} under them, every %(key)s
     * reference resolved.
     */
    public Map<String, String> section(String section, Map<String, String> defaults) {
        Map<String, String> raw = new LinkedHashMap<>(defaults);
        raw.putAll(sections.getOrDefault("DEFAULT", Map.of()));
        Map<String, String> own = sections.get(section);
        if (own == null) {
            throw new IllegalArgumentException(path + ": no [" + section + "] section");
        }
        raw.putAll(own);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : raw.keySet()) {
            out.put(k, resolve(raw, k, 0));
        }
        return out;
    }

    private String resolve(Map<String, String> raw, String key, int depth) {
        if (depth > 10) {
            throw new IllegalArgumentException(path + ": %(" + key + ")s refers to itself");
        }
        String v = raw.get(key);
        Matcher m = REF.matcher(v);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            if (ref == null) {
                m.appendReplacement(sb, "%");
                continue;
            }
            String name = ref.toLowerCase();
            if (!raw.containsKey(name)) {
                throw new IllegalArgumentException(path + ": key " + key + " refers to %(" + ref
                                                   + ")s, which is not set");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(resolve(raw, name, depth + 1)));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
