package io.camelskytools.londiste.copy;

import io.camelskytools.londiste.node.LondisteException;

/**
 * The node to copy a table from does not have it in sync yet (a leaf added while its branch
 * still copies): not a failure, the copy waits and starts again later, as londiste3's does.
 */
final class SourceNotInSync extends LondisteException {

    private final String node;

    SourceNotInSync(String table, String node) {
        super("table " + table + " is not in sync on node " + node + ": cannot copy it from there yet");
        this.node = node;
    }

    String node() {
        return node;
    }
}
