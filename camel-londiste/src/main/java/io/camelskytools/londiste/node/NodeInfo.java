package io.camelskytools.londiste.node;

/**
 * pgq_node.get_node_info of one queue on one node: who the node is, where its worker is, and
 * the watermarks (tick ids).
 */
public record NodeInfo(String queue, String type, String name, String worker, String providerNode,
                       String providerLocation, Long globalWatermark, Long localWatermark, Long workerLastTick,
                       boolean workerPaused, boolean workerUptodate, String combinedQueue, String combinedType,
                       String attrs) {

    public boolean isRoot() {
        return "root".equals(type);
    }

    public boolean isBranch() {
        return "branch".equals(type);
    }

    public boolean isLeaf() {
        return "leaf".equals(type);
    }

    static NodeInfo from(String queue, ResultRow r) {
        return new NodeInfo(queue, r.text("node_type"), r.text("node_name"), r.text("worker_name"),
                r.text("provider_node"), r.text("provider_location"), r.longValue("global_watermark"),
                r.longValue("local_watermark"), r.longValue("worker_last_tick"), r.bool("worker_paused"),
                r.bool("worker_uptodate"), r.text("combined_queue"), r.text("combined_type"), r.text("node_attrs"));
    }
}
