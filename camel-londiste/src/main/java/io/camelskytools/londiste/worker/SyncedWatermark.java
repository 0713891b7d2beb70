package io.camelskytools.londiste.worker;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.apply.UrlEncoding;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branch made with {@code create-branch --sync-watermark=NODE[,NODE]} (node attribute
 * {@code sync_watermark}), as londiste3's worker runs it: it reports only the batch it reads to
 * its provider (its own subtree does not hold the provider back), keeps the root's global
 * watermark from the queue aside, and sets its own global watermark to the lowest of its local
 * watermark, that upstream one and the local watermarks of the listed nodes, so its queue keeps
 * what any of them still needs.
 */
final class SyncedWatermark {

    private static final Logger LOG = LoggerFactory.getLogger(SyncedWatermark.class);
    static final String ATTR = "sync_watermark";

    private final String queue;
    /** The root's global watermark as the last pgq.global-watermark event said; null before one came. */
    private Long upstream;

    SyncedWatermark(String queue) {
        this.queue = queue;
    }

    /** The nodes a branch syncs its watermark with; null when it is no such branch. */
    static List<String> nodes(NodeInfo node) {
        if (!node.isBranch() || node.attrs() == null) {
            return null;
        }
        Map<String, String> attrs = UrlEncoding.decode(node.attrs());
        if (!attrs.containsKey(ATTR)) {
            return null;
        }
        String list = attrs.get(ATTR);
        return list == null || list.isBlank() ? List.of()
                : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    void upstream(long watermark) {
        upstream = watermark;
    }

    /**
     * Sets the branch's global watermark on {@code target} to the lowest of the listed nodes'
     * local watermarks, its own and the upstream one. Waits for the first upstream watermark;
     * skips the round when a listed node is not a member here yet (a cascade being set up) or
     * cannot be read (a node that is down keeps the watermark where it is); dead nodes do not
     * count.
     */
    void publish(Connection target, NodeInfo node, List<String> syncWith) throws SQLException {
        if (upstream == null || node.localWatermark() == null) {
            return;
        }
        long wm = Math.min(node.localWatermark(), upstream);
        Map<String, NodeClient.Member> members = new HashMap<>();
        for (NodeClient.Member m : NodeClient.members(target, queue)) {
            members.put(m.name(), m);
        }
        for (String name : syncWith) {
            if (name.equals(node.name())) {
                continue;
            }
            NodeClient.Member m = members.get(name);
            if (m == null) {
                LOG.warn("londiste {}: sync_watermark names node {}, which is no member of the queue here", queue,
                        name);
                return;
            }
            if (m.dead()) {
                continue;
            }
            Long theirs = localWatermark(m);
            if (theirs == null) {
                return;
            }
            wm = Math.min(wm, theirs);
        }
        NodeClient.setGlobalWatermark(target, queue, wm);
    }

    private Long localWatermark(NodeClient.Member m) {
        try (Connection c = Connections.open(Conninfo.parse(m.location()).jdbcUrl(), "londiste sync watermark")) {
            NodeInfo info = NodeClient.nodeInfo(c, queue);
            if (info == null || info.localWatermark() == null) {
                LOG.warn("londiste {}: sync_watermark node {} has no node of the queue (yet)", queue, m.name());
                return null;
            }
            return info.localWatermark();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("londiste {}: sync_watermark node {} cannot be read, watermark kept: {}", queue, m.name(),
                    e.getMessage());
            return null;
        }
    }
}
