package io.camelskytools.runtime.cli.londiste;

import io.camelskytools.londiste.copy.CopySource;
import picocli.CommandLine.Option;

/** Where add-table and resync copy from, as londiste3 spells it. */
final class CopyNodeOptions {

    @Option(names = "--copy-node", paramLabel = "NODE", description = "Copy the data from this node.")
    String copyNode;

    @Option(names = "--find-copy-node", description = "Copy from the first node up the provider chain that has the"
                                                      + " table.")
    boolean findCopyNode;

    /** The table attribute copy_node these flags ask for, null for the provider. */
    String copyNodeAttr() {
        if (findCopyNode && copyNode != null) {
            throw new IllegalArgumentException("--copy-node and --find-copy-node exclude each other");
        }
        return findCopyNode ? CopySource.FIND : copyNode;
    }
}
