package io.camelskytools.londiste.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code status} read: the queue, the node it was asked on, and every member in tree
 * order (the root, then each node after its provider, depth first, siblings by name), followed by
 * the members whose place in the tree is not known.
 */
public record CascadeView(String queue, String localNode, List<NodeStatus> nodes) {

    /** The root's name, null when no member read is a root. */
    public String root() {
        for (NodeStatus n : nodes) {
            if ("root".equals(n.type())) {
                return n.name();
            }
        }
        return null;
    }

    /** The members with {@code provider} as their provider, by name. */
    public List<NodeStatus> children(String provider) {
        List<NodeStatus> out = new ArrayList<>();
        for (NodeStatus n : nodes) {
            if (provider.equals(n.provider()) && !"root".equals(n.type())) {
                out.add(n);
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /** The members not below the root (no root read, no provider known, or under such a member). */
    public List<NodeStatus> outsideTree() {
        Set<String> inTree = new HashSet<>();
        String root = root();
        if (root != null) {
            collect(root, inTree);
        }
        List<NodeStatus> out = new ArrayList<>();
        for (NodeStatus n : nodes) {
            if (!inTree.contains(n.name())) {
                out.add(n);
            }
        }
        return out;
    }

    private void collect(String name, Set<String> into) {
        if (!into.add(name)) {
            return;
        }
        for (NodeStatus child : children(name)) {
            collect(child.name(), into);
        }
    }

    /** The number of members with a problem: a worker error, or not tagged dead and not read. */
    public int problems() {
        int n = 0;
        for (NodeStatus s : nodes) {
            if (s.hasProblem()) {
                n++;
            }
        }
        return n;
    }

    /** The members in tree order: the root's tree depth first, then those outside it. */
    static List<NodeStatus> treeOrder(List<NodeStatus> members) {
        CascadeView unordered = new CascadeView(null, null, members);
        List<NodeStatus> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String root = unordered.root();
        if (root != null) {
            walk(unordered, members.stream().filter(m -> m.name().equals(root)).findFirst().orElseThrow(), out, seen);
        }
        for (NodeStatus m : unordered.outsideTree()) {
            if (seen.add(m.name())) {
                out.add(m);
            }
        }
        return out;
    }

    private static void walk(CascadeView v, NodeStatus at, List<NodeStatus> out, Set<String> seen) {
        if (!seen.add(at.name())) {
            return;
        }
        out.add(at);
        for (NodeStatus child : v.children(at.name())) {
            walk(v, child, out, seen);
        }
    }
}
