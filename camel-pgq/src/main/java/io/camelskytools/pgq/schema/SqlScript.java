package io.camelskytools.pgq.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A psql script from the classpath, split into the chunks to send to the server.
 * Only the {@code \ir file} meta-command is understood (it pulls in another file of
 * the same directory); everything else is plain SQL, sent as it is. So Java and
 * {@code psql -f} install exactly the same statements.
 */
public final class SqlScript {

    private final String resource;
    private final List<String> chunks;

    private SqlScript(String resource, List<String> chunks) {
        this.resource = resource;
        this.chunks = List.copyOf(chunks);
    }

    /** Loads {@code resource} (a classpath path such as {@code camel-skytools/sql/pgq/install.sql}). */
    public static SqlScript load(String resource) {
        List<String> chunks = new ArrayList<>();
        expand(resource, chunks, 0);
        return new SqlScript(resource, chunks);
    }

    public String resource() {
        return resource;
    }

    /** SQL texts in execution order: one per included file, and the lines between includes. */
    public List<String> chunks() {
        return chunks;
    }

    private static void expand(String resource, List<String> out, int depth) {
        if (depth > 8) {
            throw new IllegalStateException("SQL script includes nest too deep at " + resource);
        }
        String dir = resource.contains("/") ? resource.substring(0, resource.lastIndexOf('/') + 1) : "";
        StringBuilder plain = new StringBuilder();
        for (String line : read(resource).split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("\\ir ") || trimmed.startsWith("\\include_relative ")) {
                flush(plain, out);
                expand(dir + trimmed.substring(trimmed.indexOf(' ') + 1).strip(), out, depth + 1);
            } else if (trimmed.startsWith("\\")) {
                throw new IllegalStateException("Unsupported psql meta-command in " + resource + ": " + trimmed);
            } else {
                plain.append(line).append('\n');
            }
        }
        flush(plain, out);
    }

    private static void flush(StringBuilder sql, List<String> out) {
        if (!isBlank(sql.toString())) {
            out.add(sql.toString());
        }
        sql.setLength(0);
    }

    /** True when the text holds nothing but whitespace and "--" comments. */
    private static boolean isBlank(String sql) {
        for (String line : sql.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("--")) {
                return false;
            }
        }
        return true;
    }

    private static String read(String resource) {
        ClassLoader loader = SqlScript.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SQL script not found on the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read SQL script " + resource, e);
        }
    }
}
