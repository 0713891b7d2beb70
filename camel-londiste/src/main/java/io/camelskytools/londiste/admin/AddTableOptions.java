package io.camelskytools.londiste.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.londiste.apply.HandlerSpec;
import io.camelskytools.londiste.apply.UrlEncoding;

/**
 * add-table's flags as londiste3 spells them, turned into londiste.local_add_table's trigger
 * args and table attributes.
 */
public record AddTableOptions(boolean expectSync, boolean skipTruncate, boolean noTriggers, String triggerFlags,
                              List<String> triggerArgs, String handler, List<String> handlerArgs, String destTable,
                              String copyCondition, String copyNode, Integer maxParallelCopy) {

    public static final AddTableOptions DEFAULTS = new AddTableOptions(false, false, false, null, List.of(), null,
            List.of(), null, null, null, null);

    /**
     * With add-table's --merge-all / --no-merge (a merge-leaf: take the table from every part
     * queue of the combined queue, or from this one only): local_add_table reads them from
     * the trigger args, as londiste3 passes them.
     */
    public AddTableOptions withMerge(boolean mergeAll, boolean noMerge) {
        if (mergeAll && noMerge) {
            throw new IllegalArgumentException("--merge-all and --no-merge exclude each other");
        }
        if (!mergeAll && !noMerge) {
            return this;
        }
        List<String> args = new ArrayList<>(triggerArgs);
        args.add(mergeAll ? "merge_all" : "no_merge");
        return new AddTableOptions(expectSync, skipTruncate, noTriggers, triggerFlags, List.copyOf(args), handler,
                handlerArgs, destTable, copyCondition, copyNode, maxParallelCopy);
    }

    /** The trigger args: the flags local_add_table reads first, then the user's own. */
    public String[] triggerArgArray() {
        List<String> args = new ArrayList<>();
        if (expectSync) {
            args.add("expect_sync");
        }
        if (skipTruncate) {
            args.add("skip_truncate");
        }
        if (noTriggers) {
            args.add("no_triggers");
        }
        if (triggerFlags != null) {
            args.add("tgflags=" + triggerFlags);
        }
        args.addAll(triggerArgs);
        return args.toArray(String[]::new);
    }

    /** The handler these options name, null for the default. */
    public HandlerSpec handlerSpec() {
        String h = handlerAttr();
        return h == null ? null : HandlerSpec.parse(h);
    }

    private String handlerAttr() {
        if (handler == null) {
            if (!handlerArgs.isEmpty()) {
                throw new IllegalArgumentException("--handler-arg given without --handler");
            }
            return null;
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : handlerArgs) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--handler-arg must be key=value, not \"" + a + "\"");
            }
            String key = a.substring(0, eq).strip();
            if (args.containsKey(key)) {
                throw new IllegalArgumentException("multiple handler arguments: " + key);
            }
            args.put(key, a.substring(eq + 1).strip());
        }
        return args.isEmpty() ? handler : handler + "(" + UrlEncoding.encode(args) + ")";
    }

    /** table_attrs (urlencoded): handler=name(args), copy_condition, copy_node, max_parallel_copy. */
    public String attrs() {
        Map<String, String> attrs = new LinkedHashMap<>();
        String h = handlerAttr();
        if (h != null) {
            attrs.put("handler", h);
        }
        if (copyCondition != null) {
            attrs.put("copy_condition", copyCondition);
        }
        if (copyNode != null) {
            attrs.put("copy_node", copyNode);
        }
        if (maxParallelCopy != null) {
            attrs.put("max_parallel_copy", maxParallelCopy.toString());
        }
        return attrs.isEmpty() ? null : UrlEncoding.encode(attrs);
    }
}
