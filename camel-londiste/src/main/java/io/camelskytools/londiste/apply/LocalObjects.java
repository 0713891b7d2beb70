package io.camelskytools.londiste.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;

/**
 * The tables and sequences a node replicates, by the queue's name, with the local name each
 * has: what EXECUTE's attributes are matched against.
 */
public record LocalObjects(Map<String, String> tables, Map<String, String> seqs) {

    public static LocalObjects read(Connection c, String queue) throws SQLException {
        Map<String, String> tables = new LinkedHashMap<>();
        for (TableInfo t : TableClient.tables(c, queue)) {
            if (t.local()) {
                tables.put(t.name(), t.destination());
            }
        }
        Map<String, String> seqs = new LinkedHashMap<>();
        for (Map<String, Object> s : TableClient.seqs(c, queue)) {
            if (Boolean.TRUE.equals(s.get("local"))) {
                seqs.put((String) s.get("seq_name"), (String) s.get("seq_name"));
            }
        }
        return new LocalObjects(tables, seqs);
    }
}
