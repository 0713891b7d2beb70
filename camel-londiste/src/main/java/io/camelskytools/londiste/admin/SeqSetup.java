package io.camelskytools.londiste.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.node.ResultRow;
import io.camelskytools.londiste.table.TableClient;

/**
 * add-seq and remove-seq: on the root a sequence is published ahead of its use
 * (root_check_seqs); elsewhere it is set to the last published value. On a non-root the
 * provider's sequence list is registered first, as londiste3 does.
 */
public final class SeqSetup {

    private final String queue;

    public SeqSetup(String queue) {
        this.queue = queue;
    }

    public List<TableSetup.Outcome> addSeqs(Connection c, List<String> names, boolean all, boolean create)
            throws SQLException {
        NodeInfo node = requireNode(c);
        if (!node.isRoot()) {
            syncSeqList(c, node);
        }
        Set<String> wanted = new LinkedHashSet<>();
        if (all) {
            if (node.isRoot()) {
                for (Map<String, Object> r : QueryRows.list(c, "select obj_name from londiste.local_show_missing(?)"
                                                               + " where obj_kind = 'S'", queue)) {
                    wanted.add((String) r.get("obj_name"));
                }
            } else {
                for (Map<String, Object> s : TableClient.seqs(c, queue)) {
                    wanted.add((String) s.get("seq_name"));
                }
            }
        }
        for (String n : names) {
            wanted.add(n.contains(".") ? n : "public." + n);
        }
        List<TableSetup.Outcome> out = new ArrayList<>();
        for (String seq : wanted) {
            if (create) {
                try (Statement st = c.createStatement()) {
                    st.execute("create sequence if not exists " + SqlNames.quoteFqName(seq));
                }
            }
            ResultRow r = NodeClient.call(c, "londiste.local_add_seq", queue, seq);
            out.add(new TableSetup.Outcome(seq, r.code(), r.note()));
        }
        return out;
    }

    public List<TableSetup.Outcome> removeSeqs(Connection c, List<String> names) throws SQLException {
        requireNode(c);
        List<TableSetup.Outcome> out = new ArrayList<>();
        for (String n : names) {
            String seq = n.contains(".") ? n : "public." + n;
            ResultRow r = NodeClient.call(c, "londiste.local_remove_seq", queue, seq);
            out.add(new TableSetup.Outcome(seq, r.code(), r.note()));
        }
        return out;
    }

    private void syncSeqList(Connection c, NodeInfo node) throws SQLException {
        Set<String> known = new LinkedHashSet<>();
        for (Map<String, Object> s : TableClient.seqs(c, queue)) {
            known.add((String) s.get("seq_name"));
        }
        try (Connection provider = Connections.open(Conninfo.parse(node.providerLocation()).jdbcUrl(),
                "londiste admin")) {
            for (Map<String, Object> s : TableClient.seqs(provider, queue)) {
                String name = (String) s.get("seq_name");
                Object v = s.get("last_value");
                if (!known.contains(name) && v != null) {
                    TableClient.globalUpdateSeq(c, queue, name, ((Number) v).longValue())
                            .orThrow("add sequence " + name);
                }
            }
        }
    }

    private NodeInfo requireNode(Connection c) throws SQLException {
        NodeInfo node = NodeClient.nodeInfo(c, queue);
        if (node == null) {
            throw new LondisteException(404, "this database is no node of queue " + queue);
        }
        return node;
    }
}
