package io.camelskytools.runtime.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.camelskytools.pgq.cluster.AdvisoryLockKey;

/**
 * The runtimes that have cluster sessions in one database, as the database sees them: every
 * session named {@code skytools-cluster <id>} in pg_stat_activity is a live member, and the
 * advisory locks those sessions hold (pg_locks) say what each one leads. A lock key is shown
 * as its namespace when it is one of the namespaces this runtime knows (its exclusive
 * consumers and singletons: the copies run the same configuration), else as the bare key.
 */
final class ClusterMembers {

    static final String APPLICATION_PREFIX = "skytools-cluster ";

    /** One member: its id, its cluster sessions here, where it connects from, what it leads. */
    record Member(String member, int sessions, String client, List<String> leads) {
    }

    /** Every member, and the leader of each lock key held (key -> member id). */
    record Reading(List<Member> members, Map<Long, String> leaders) {

        String leaderOf(String namespace) {
            return leaders.get(AdvisoryLockKey.of(namespace));
        }
    }

    private ClusterMembers() {
    }

    static Reading read(Connection c, Collection<String> knownNamespaces) throws SQLException {
        Map<Long, String> names = new HashMap<>();
        knownNamespaces.forEach(ns -> names.put(AdvisoryLockKey.of(ns), ns));
        Map<String, List<String>> leads = new TreeMap<>();
        Map<String, Integer> sessions = new HashMap<>();
        Map<String, String> clients = new HashMap<>();
        Map<Long, String> leaders = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select a.pid, a.application_name, coalesce(host(a.client_addr), 'local'),"
                + " (l.classid::bigint << 32) | l.objid::bigint"
                + " from pg_catalog.pg_stat_activity a left join pg_catalog.pg_locks l on l.pid = a.pid"
                + " and l.locktype = 'advisory' and l.objsubid = 1 and l.granted"
                + " where a.datname = pg_catalog.current_database() and a.application_name like ?"
                + " order by a.application_name, a.pid")) {
            ps.setString(1, APPLICATION_PREFIX + "%");
            try (ResultSet rs = ps.executeQuery()) {
                Map<Integer, Boolean> countedPids = new HashMap<>();
                while (rs.next()) {
                    String member = rs.getString(2).substring(APPLICATION_PREFIX.length());
                    List<String> held = leads.computeIfAbsent(member, k -> new ArrayList<>());
                    if (countedPids.put(rs.getInt(1), true) == null) {
                        sessions.merge(member, 1, Integer::sum);
                    }
                    clients.putIfAbsent(member, rs.getString(3));
                    long key = rs.getLong(4);
                    if (!rs.wasNull()) {
                        held.add(names.getOrDefault(key, "lock " + key));
                        leaders.put(key, member);
                    }
                }
            }
        }
        List<Member> members = new ArrayList<>();
        leads.forEach((m, held) -> members.add(new Member(m, sessions.get(m), clients.get(m), List.copyOf(held))));
        return new Reading(members, leaders);
    }
}
