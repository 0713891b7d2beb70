package io.camelskytools.londiste.compare;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** fix.TABLE.sql, one statement a line, made at the first one (no file when nothing differs). */
final class FixFile implements FixSink {

    private final Path file;
    private BufferedWriter out;

    FixFile(Path file) {
        this.file = file;
    }

    @Override
    public void accept(String statement) {
        try {
            if (out == null) {
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            }
            out.write(statement);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void finish() {
        close();
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            } finally {
                out = null;
            }
        }
    }
}
