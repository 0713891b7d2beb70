package io.camelskytools.walmgr.restore;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Hands a restored tree to the OS user that will run PostgreSQL: the server refuses a data
 * directory it does not own. As root the default is "postgres"; otherwise files are ours already.
 */
final class FileOwner {

    private final UserPrincipal user;
    private final GroupPrincipal group;

    private FileOwner(UserPrincipal user, GroupPrincipal group) {
        this.user = user;
        this.group = group;
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The owner for a user name (its group of the same name when there is one). */
    static FileOwner of(String userName) {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            UserPrincipal u = lookup.lookupPrincipalByName(userName);
            GroupPrincipal g;
            try {
                g = lookup.lookupPrincipalByGroupName(userName);
            } catch (UserPrincipalNotFoundException e) {
                g = null;
            }
            return new FileOwner(u, g);
        } catch (UserPrincipalNotFoundException e) {
            throw new RestoreException("No OS user '" + userName + "' to own the restored files");
        } catch (IOException e) {
            throw new RestoreException("Cannot look up OS user '" + userName + "': " + e.getMessage(), e);
        }
    }

    void applyTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                apply(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                apply(f);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    void apply(Path p) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        v.setOwner(user);
        if (group != null) {
            v.setGroup(group);
        }
    }
}
