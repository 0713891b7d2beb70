package io.camelskytools.routes;

/** Names that go into endpoint URIs must not be able to change the URI. */
final class BridgeNames {

    private BridgeNames() {
    }

    static String check(String what, String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("bridge " + what + " '" + name + "' may only use letters, digits, _ . -");
        }
        return name;
    }
}
