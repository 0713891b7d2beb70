package io.camelskytools.runtime.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.camelskytools.runtime.config.SkytoolsConfig;

/**
 * The management server's basic-authentication user (skytools.management.user and
 * .password), written to the Shiro-style properties file Vert.x reads
 * ({@code user.NAME=PASSWORD}). The file is private to the process owner and lives only
 * while the runtime does.
 */
final class ManagementCredentials {

    private ManagementCredentials() {
    }

    /** The file to hand to Camel, or null when no user is configured. */
    static Path write(SkytoolsConfig config) throws IOException {
        String user = config.get("skytools.management.user");
        if (user == null) {
            if (config.get("skytools.management.password") != null) {
                throw new SkytoolsConfig.ConfigException("skytools.management.password is set but skytools.management.user"
                                                         + " is not");
            }
            return null;
        }
        if (!user.matches("[A-Za-z0-9_.-]+")) {
            throw new SkytoolsConfig.ConfigException("skytools.management.user may hold only letters, digits, '_', '.'"
                                                     + " and '-', not '" + user + "'");
        }
        String password = config.get("skytools.management.password");
        if (password == null || password.isEmpty()) {
            throw new SkytoolsConfig.ConfigException("skytools.management.password is not set (skytools.management.user"
                                                     + " is)");
        }
        // the file format has no escapes: these would change what the password means
        if (password.matches(".*[,\\\\\\r\\n].*") || !password.equals(password.strip())) {
            throw new SkytoolsConfig.ConfigException("skytools.management.password may not contain ',', '\\', line breaks"
                                                     + " or leading/trailing spaces");
        }
        Path file = Files.createTempFile("skytools-management-", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "user." + user + "=" + password + "\n", StandardCharsets.UTF_8);
        return file;
    }
}
