package io.camelskytools.pgq.cluster;

import org.apache.camel.cluster.CamelClusterMember;

/** A member of a namespace as this process sees it: its id, and whether it is us or the leader. */
record ClusterMember(String id, boolean isLocal, boolean isLeader) implements CamelClusterMember {

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String toString() {
        return id + (isLocal ? " (this process)" : "") + (isLeader ? " (leader)" : "");
    }
}
