package io.camelskytools.londiste.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.londiste.apply.ExecAttrs;
import io.camelskytools.londiste.apply.LocalObjects;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.ResultRow;

/**
 * {@code execute FILE...} on the root: each script runs with the replication triggers quiet
 * and is put into the queue as an EXECUTE event in the same transaction, so every node runs
 * it at the same place in the stream. A file run before (by its name) is skipped.
 */
public final class ExecuteScripts {

    private final String queue;

    public ExecuteScripts(String queue) {
        this.queue = queue;
    }

    /** Runs the files in one transaction; what happened to each. */
    public List<String> execute(Connection c, List<Path> files) throws SQLException, IOException {
        List<String> out = new ArrayList<>();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            NodeClient.call(c, "londiste.set_session_replication_role", "local", true);
            for (Path f : files) {
                String name = f.getFileName().toString();
                String sql = Files.readString(f, StandardCharsets.UTF_8);
                ExecAttrs attrs = ExecAttrs.fromSql(sql);
                ResultRow start = NodeClient.call(c, "londiste.execute_start", queue, name, sql, true,
                        attrs.toUrlenc()).orThrow("execute " + name);
                if (start.code() > 200) {
                    out.add("Skipping execution of '" + name + "': " + start.note());
                    continue;
                }
                LocalObjects local = LocalObjects.read(c, queue);
                if (attrs.needExecute(c, local.tables(), local.seqs())) {
                    try (Statement st = c.createStatement()) {
                        st.execute(attrs.processSql(c, sql, local.tables(), local.seqs()));
                    }
                } else {
                    out.add(name + ": This SQL does not need to run on this node.");
                }
                out.add(NodeClient.call(c, "londiste.execute_finish", queue, name).orThrow("finish " + name).note());
            }
            c.commit();
            return out;
        } catch (SQLException | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
