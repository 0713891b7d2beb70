package io.camelskytools.londiste.node;

/**
 * pgq_node.get_consumer_state of a cascaded consumer on its target node: the last tick it
 * committed there ({@code completedTick}), where it reads from, and the admin flags.
 */
public record ConsumerState(String nodeType, String nodeName, long completedTick, String providerNode,
                            String providerLocation, boolean paused, boolean uptodate, String error) {

    static ConsumerState from(ResultRow r) {
        Long tick = r.longValue("completed_tick");
        return new ConsumerState(r.text("node_type"), r.text("node_name"), tick == null ? 0 : tick,
                r.text("provider_node"), r.text("provider_location"), r.bool("paused"), r.bool("uptodate"),
                r.text("cur_error"));
    }
}
