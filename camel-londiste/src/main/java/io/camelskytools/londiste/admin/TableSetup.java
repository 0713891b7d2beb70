package io.camelskytools.londiste.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.londiste.apply.HandlerSpec;
import io.camelskytools.londiste.apply.UrlEncoding;
import io.camelskytools.londiste.copy.CopySource;
import io.camelskytools.londiste.handler.Handlers;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.node.ResultRow;
import io.camelskytools.londiste.table.CopyState;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;

/** add-table, remove-table, resync and the table list, on the local node. */
public final class TableSetup {

    private final String queue;

    public TableSetup(String queue) {
        this.queue = queue;
    }

    /** The outcome of one table: londiste's code and note. */
    public record Outcome(String table, int code, String note) {
        public boolean ok() {
            return code < 400;
        }
    }

    /**
     * Adds the tables {@code patterns} name (globs allowed; {@code all}: every candidate)
     * with the given options. Each table is added in its own transaction, as londiste3 does.
     */
    public List<Outcome> addTables(Connection c, List<String> patterns, boolean all, AddTableOptions options)
            throws SQLException {
        return addTables(c, patterns, all, options, null);
    }

    /**
     * As {@link #addTables(Connection, List, boolean, AddTableOptions)}, first making the
     * tables missing here from the provider's structure ({@code create} null: none made).
     */
    public List<Outcome> addTables(Connection c, List<String> patterns, boolean all, AddTableOptions options,
                                   TableCreator.Depth create) throws SQLException {
        NodeInfo node = requireNode(c);
        if (!node.isRoot()) {
            syncTableList(c, node);
        }
        List<String> candidates = node.isRoot() ? rootCandidates(c) : queueTables(c);
        List<String> names = expand(patterns, all, candidates);
        if (options.destTable() != null && names.size() > 1) {
            throw new IllegalArgumentException("--dest-table can be given only for single table");
        }
        checkCopyNode(c, node, options.copyNode());
        if (!node.isRoot() && !options.expectSync() && !CopySource.FIND.equals(options.copyNode())) {
            checkOnSource(c, node, names, options.copyNode());
        }
        String attrs = options.attrs();
        HandlerSpec handler = options.handlerSpec();
        // the handlers first: a bad name or argument changes nothing, not even a created table
        Map<String, String[]> triggerArgs = new LinkedHashMap<>();
        for (String t : names) {
            List<String> args = new ArrayList<>(List.of(options.triggerArgArray()));
            if (handler != null) {
                Handlers.create(t, handler).addTriggerArgs(args);
            }
            triggerArgs.put(t, args.toArray(String[]::new));
        }
        List<Outcome> out = new ArrayList<>();
        if (create != null) {
            createMissing(c, node, names, options.destTable(), new TableCreator(create), out);
        }
        for (String t : names) {
            ResultRow r = TableClient.addTable(c, queue, t, triggerArgs.get(t), attrs, options.destTable());
            out.add(new Outcome(t, r.code(), r.note()));
        }
        return out;
    }

    private void createMissing(Connection c, NodeInfo node, List<String> names, String destTable,
                               TableCreator creator, List<Outcome> out) throws SQLException {
        if (node.isRoot()) {
            for (String t : names) {
                out.add(creator.createIfMissing(c, c, t, t));
            }
            return;
        }
        try (Connection provider = Connections.open(Conninfo.parse(node.providerLocation()).jdbcUrl(),
                "londiste admin")) {
            Map<String, String> providerNames = new HashMap<>();
            for (TableInfo t : TableClient.tables(provider, queue)) {
                providerNames.put(t.name(), t.destination());
            }
            for (String t : names) {
                String dest = destTable == null ? t : (destTable.contains(".") ? destTable : "public." + destTable);
                out.add(creator.createIfMissing(c, provider, providerNames.getOrDefault(t, t), dest));
            }
        }
    }

    /** change-handler: the table's new attributes and trigger args (the trigger is made again). */
    public Outcome changeHandler(Connection c, String table, AddTableOptions options) throws SQLException {
        requireNode(c);
        String t = table.contains(".") ? table : "public." + table;
        List<String> args = new ArrayList<>(List.of(options.triggerArgArray()));
        HandlerSpec handler = options.handlerSpec();
        if (handler != null) {
            Handlers.create(t, handler).addTriggerArgs(args);
        }
        ResultRow r = NodeClient.call(c, "londiste.local_change_handler", queue, t, args.toArray(String[]::new),
                options.attrs());
        return new Outcome(t, r.code(), r.note());
    }

    public List<Outcome> removeTables(Connection c, List<String> patterns) throws SQLException {
        requireNode(c);
        List<String> names = expand(patterns, false, localTables(c));
        List<Outcome> out = new ArrayList<>();
        for (String t : names) {
            ResultRow r = TableClient.removeTable(c, queue, t);
            out.add(new Outcome(t, r.code(), r.note()));
        }
        return out;
    }

    /**
     * Sets the tables back to "copy not started": the worker copies them again, from the
     * provider, or from {@code copyNode} ({@link CopySource#FIND}: the first node up the chain
     * that has the table). Without a copy node, every table must be replicated by the provider,
     * else nothing is changed.
     */
    public List<Outcome> resync(Connection c, List<String> patterns, String copyNode) throws SQLException {
        NodeInfo node = requireNode(c);
        if (node.isRoot()) {
            throw new LondisteException(400, "resync on the root makes no sense: the root holds the data");
        }
        List<String> local = localTables(c);
        List<String> names = expand(patterns, false, local);
        for (String t : names) {
            if (!local.contains(t)) {
                throw new LondisteException(404, "Table " + t + " not found on this node; Problems, cancelling operation");
            }
        }
        checkCopyNode(c, node, copyNode);
        if (copyNode == null) {
            try (Connection provider = Connections.open(Conninfo.parse(node.providerLocation()).jdbcUrl(),
                    "londiste admin")) {
                List<String> missing = new ArrayList<>();
                for (String t : names) {
                    TableInfo p = TableClient.table(provider, queue, t);
                    if (p == null || !p.local()) {
                        missing.add(t);
                    }
                }
                if (!missing.isEmpty()) {
                    throw new LondisteException(404, "Table " + String.join(", ", missing) + " does not exist on"
                            + " provider, need to switch to different provider; Problems, cancelling operation");
                }
            }
        }
        List<Outcome> out = new ArrayList<>();
        for (String t : names) {
            if (copyNode != null) {
                Map<String, String> attrs = new java.util.LinkedHashMap<>(TableClient.table(c, queue, t).attrMap());
                attrs.put("copy_node", copyNode);
                NodeClient.call(c, "londiste.local_set_table_attrs", queue, t, UrlEncoding.encode(attrs))
                        .orThrow("set attrs of table " + t);
            }
            TableClient.setState(c, queue, t, null, CopyState.NEW);
            out.add(new Outcome(t, 200, "Table " + t + " will be copied again"
                                        + (copyNode == null ? "" : CopySource.FIND.equals(copyNode)
                                                ? " (from the first node up that has it)" : " from node " + copyNode)));
        }
        return out;
    }

    /**
     * The tables must be replicated where they will be copied from (the provider, or the copy
     * node), else nothing is added: londiste3's refusal.
     */
    private void checkOnSource(Connection c, NodeInfo node, List<String> names, String copyNode) throws SQLException {
        CopySource source = copyNode == null ? new CopySource(node.providerNode(), node.providerLocation())
                : CopySource.named(c, queue, copyNode);
        try (Connection src = Connections.open(Conninfo.parse(source.location()).jdbcUrl(), "londiste admin")) {
            List<String> missing = new ArrayList<>();
            for (String t : names) {
                TableInfo p = TableClient.table(src, queue, t);
                if (p != null && !p.local()) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                throw new LondisteException(404, "Table " + String.join(", ", missing) + " does not exist on"
                        + (copyNode == null ? " provider, need to switch to different provider" : " node " + copyNode)
                        + "; Problems, cancelling operation");
            }
        }
    }

    /** A named copy node must be another member (londiste3's checks); {@code ?} is looked up at copy time. */
    private static void checkCopyNode(Connection c, NodeInfo node, String copyNode) throws SQLException {
        if (copyNode == null || CopySource.FIND.equals(copyNode)) {
            return;
        }
        if (node.isRoot()) {
            throw new LondisteException(400, "--copy-node makes no sense on the root: nothing is copied there");
        }
        CopySource.named(c, node.queue(), copyNode);
    }

    public List<TableInfo> tables(Connection c) throws SQLException {
        requireNode(c);
        List<TableInfo> out = new ArrayList<>();
        for (TableInfo t : TableClient.tables(c, queue)) {
            if (t.local()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Registers here the tables the provider has and this node does not know yet (the worker
     * may not have read their add-table events), as londiste3's add-table does first.
     */
    private void syncTableList(Connection c, NodeInfo node) throws SQLException {
        Set<String> known = new LinkedHashSet<>(queueTables(c));
        try (Connection provider = Connections.open(Conninfo.parse(node.providerLocation()).jdbcUrl(),
                "londiste admin")) {
            for (TableInfo t : TableClient.tables(provider, queue)) {
                if (!known.contains(t.name())) {
                    TableClient.globalAddTable(c, queue, t.name()).orThrow("add table " + t.name());
                }
            }
        }
    }

    private NodeInfo requireNode(Connection c) throws SQLException {
        NodeInfo node = NodeClient.nodeInfo(c, queue);
        if (node == null) {
            throw new LondisteException(404, "this database is no node of queue " + queue);
        }
        return node;
    }

    private List<String> rootCandidates(Connection c) throws SQLException {
        Set<String> out = new LinkedHashSet<>(queueTables(c));
        for (Map<String, Object> r : QueryRows.list(c, "select obj_name from londiste.local_show_missing(?)"
                                                       + " where obj_kind = 'r'", queue)) {
            out.add((String) r.get("obj_name"));
        }
        return new ArrayList<>(out);
    }

    private List<String> queueTables(Connection c) throws SQLException {
        return TableClient.tables(c, queue).stream().map(TableInfo::name).toList();
    }

    private List<String> localTables(Connection c) throws SQLException {
        return TableClient.tables(c, queue).stream().filter(TableInfo::local).map(TableInfo::name).toList();
    }

    /**
     * Names as given (a name without schema is in public), globs matched against the
     * candidates. A plain name is passed on even when not a candidate, so londiste's own
     * error says what is wrong with it.
     */
    static List<String> expand(List<String> patterns, boolean all, List<String> candidates) {
        Set<String> out = new LinkedHashSet<>();
        if (all) {
            out.addAll(candidates);
        }
        for (String p : patterns) {
            String fq = p.contains(".") ? p : "public." + p;
            if (p.contains("*") || p.contains("?")) {
                Pattern re = glob(fq);
                boolean any = false;
                for (String cand : candidates) {
                    if (re.matcher(cand).matches()) {
                        out.add(cand);
                        any = true;
                    }
                }
                if (!any) {
                    throw new LondisteException(404, "no table matches " + p);
                }
            } else {
                out.add(fq);
            }
        }
        return new ArrayList<>(out);
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
