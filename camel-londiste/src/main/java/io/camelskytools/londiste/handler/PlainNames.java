package io.camelskytools.londiste.handler;

import io.camelskytools.jdbc.SqlNames;

/**
 * Names quoted only where they must be, as londiste3's quote_ident does: Skytools' C triggers
 * parse expressions in their arguments with a tokenizer that refuses quoted names, and its
 * create_partition splits names at the dot without unquoting.
 */
final class PlainNames {

    private PlainNames() {
    }

    static String ident(String ident) {
        return ident.matches("[a-z_][a-z0-9_]*") ? ident : SqlNames.quoteIdent(ident);
    }

    /** schema.name, the schema public when none is given. */
    static String fq(String name) {
        int dot = name.indexOf('.');
        String schema = dot < 0 ? "public" : name.substring(0, dot);
        String rel = dot < 0 ? name : name.substring(dot + 1);
        return ident(schema) + "." + ident(rel);
    }
}
