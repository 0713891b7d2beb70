package io.camelskytools.londiste.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code status --json}: one document, a flat list of the members in tree order, each with
 * its provider's name (docs/londiste.md, "status --json", lists the fields). Every field is
 * always there; what is not known is null (for a member not read, {@code tables} too).
 */
public final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {
    }

    public static String render(CascadeView view) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("queue", view.queue());
        doc.put("local_node", view.localNode());
        doc.put("root", view.root());
        var nodes = doc.putArray("nodes");
        for (NodeStatus n : view.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            o.put("state", n.state());
            o.put("problem", n.problem());
            o.put("type", n.type());
            o.put("provider", n.provider());
            o.put("location", n.location());
            o.put("lag_seconds", n.lagSeconds());
            o.put("last_tick", n.lastTick());
            o.put("paused", n.paused());
            o.put("uptodate", n.uptodate());
            o.put("error", n.error());
            if (n.tablesTotal() == null) {
                o.putNull("tables");
                continue;
            }
            ObjectNode t = o.putObject("tables");
            t.put("total", n.tablesTotal());
            t.put("ok", n.tablesOk());
            t.put("in_copy", n.tablesInCopy());
            t.put("not_replicated", n.tablesNotReplicated());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status as json: " + e.getMessage(), e);
        }
    }
}
