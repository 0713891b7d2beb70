package io.camelskytools.londiste.table;

import java.util.Map;

/**
 * One row of londiste.get_table_list: a table of the queue, whether this node replicates it
 * ({@code local}), its copy state and the snapshot of its copy, and, while several part
 * queues of a merge node copy into the same table, this part's {@code copyRole} (lead,
 * wait-copy, wait-replay or null) and the DDL a lead dropped for the copy.
 */
public record TableInfo(String name, boolean local, String mergeState, String customSnapshot, String attrs,
                        String destTable, String copyRole, String droppedDdl) {

    /** The table the changes go to on this node. */
    public String destination() {
        return destTable == null ? name : destTable;
    }

    public CopyState state() {
        return CopyState.parse(mergeState);
    }

    /** The table's attributes (handler=..., skip_truncate=1, copy_node=...) decoded. */
    public Map<String, String> attrMap() {
        return io.camelskytools.londiste.apply.UrlEncoding.decode(attrs);
    }

    static TableInfo from(Map<String, Object> r) {
        return new TableInfo((String) r.get("table_name"), Boolean.TRUE.equals(r.get("local")),
                (String) r.get("merge_state"), (String) r.get("custom_snapshot"), (String) r.get("table_attrs"),
                (String) r.get("dest_table"), (String) r.get("copy_role"), (String) r.get("dropped_ddl"));
    }
}
