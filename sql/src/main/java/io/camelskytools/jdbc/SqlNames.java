package io.camelskytools.jdbc;

/** Names that have to reach SQL text (tables, functions, channels), quoted as identifiers. */
public final class SqlNames {

    private SqlNames() {
    }

    public static String quoteIdent(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    /** "schema.name" quoted as two identifiers; a name without a dot is one identifier, left to the search path. */
    public static String quoteFqName(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) {
            return quoteIdent(name);
        }
        return quoteIdent(name.substring(0, dot)) + "." + quoteIdent(name.substring(dot + 1));
    }
}
