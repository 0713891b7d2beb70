package io.camelskytools.londiste.handler;

import java.util.Map;

/**
 * The {@code encoding} argument of londiste3's handlers: only utf8 is taken. The driver hands
 * us rows already decoded into valid text, so there is nothing left to repair.
 */
final class Encoding {

    private Encoding() {
    }

    static void check(String handler, Map<String, String> args) {
        String enc = args.get("encoding");
        if (enc != null && !enc.isEmpty() && !enc.equalsIgnoreCase("utf8") && !enc.equalsIgnoreCase("utf-8")) {
            throw new IllegalArgumentException("only utf8 supported (handler " + handler + ", encoding=" + enc + ")");
        }
    }
}
