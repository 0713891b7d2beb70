package io.camelskytools.londiste.admin;

import java.io.PrintWriter;

/**
 * The text of {@code status}: londiste3's tree (the root at the top, each node indented under
 * its provider) with every member's lag, tick, flags, error and table counts; the members
 * whose place is not known below it.
 */
final class StatusText {

    private StatusText() {
    }

    static void print(CascadeView view, PrintWriter out) {
        out.println("Queue: " + view.queue() + "   Local node: " + view.localNode());
        out.println();
        String root = view.root();
        if (root != null) {
            for (NodeStatus n : view.nodes()) {
                if (n.name().equals(root)) {
                    printTree(view, n, out, "", true);
                }
            }
        }
        if (!view.outsideTree().isEmpty()) {
            out.println();
            out.println(root == null ? "No root could be read; members:" : "Not under the root:");
            for (NodeStatus n : view.outsideTree()) {
                printNode(n, out, "", true);
            }
        }
        out.flush();
    }

    private static void printTree(CascadeView view, NodeStatus n, PrintWriter out, String indent, boolean top) {
        String pad = printNode(n, out, indent, top);
        for (NodeStatus child : view.children(n.name())) {
            printTree(view, child, out, pad, false);
        }
    }

    /** Prints one member; the indent of the members under it. */
    private static String printNode(NodeStatus n, PrintWriter out, String indent, boolean top) {
        out.println(indent + (top ? "" : "+--: ") + n.name() + " (" + (n.isOk() ? n.type() : headline(n)) + ")");
        String pad = indent + (top ? "  " : "     ");
        if (!n.isOk()) {
            out.println(pad + "|   Location: " + n.location());
            if (n.problem() != null && !NodeStatus.DEAD.equals(n.state())) {
                out.println(pad + "|   Problem: " + n.problem());
            }
            return pad;
        }
        out.println(pad + "|   Tables: " + n.tablesTotal() + " total, " + n.tablesOk() + " ok, " + n.tablesInCopy()
                    + " in copy" + (n.tablesNotReplicated() > 0 ? ", " + n.tablesNotReplicated() + " not here" : ""));
        out.println(pad + "|   Lag: " + (n.lagSeconds() == null ? "?" : n.lagSeconds() + "s") + ", Tick: "
                    + n.lastTick() + (n.paused() ? ", PAUSED" : "") + (n.uptodate() ? "" : ", NOT UPTODATE"));
        if (n.error() != null) {
            out.println(pad + "|   ERR: " + n.error());
        }
        return pad;
    }

    private static String headline(NodeStatus n) {
        return n.state().replace('-', ' ').toUpperCase(java.util.Locale.ROOT);
    }
}
