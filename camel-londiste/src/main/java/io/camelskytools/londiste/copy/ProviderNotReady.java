package io.camelskytools.londiste.copy;

import io.camelskytools.londiste.node.LondisteException;

/**
 * The provider does not hold the table in sync yet (it is copying it itself): the copy waits
 * and is tried again, a normal step when a tree is set up top-down at once.
 */
public final class ProviderNotReady extends LondisteException {

    public ProviderNotReady(String message) {
        super(message);
    }
}
