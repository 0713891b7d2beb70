package io.camelskytools.runtime.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import io.camelskytools.jdbc.SqlNames;

/**
 * PostgreSQL's own logical replication at its defaults: a publication of pgbench's tables on
 * the root, a subscription on the leaf (it copies the tables when created).
 */
final class NativeReplication implements ReplicationContender {

    private static final String PUBLICATION = "bench_pub";

    private final BenchNode root;
    private final BenchNode leaf;
    private final String subscription;
    private boolean subscribed;

    NativeReplication(BenchNode root, BenchNode leaf) {
        this.root = root;
        this.leaf = leaf;
        this.subscription = "bench_sub_" + leaf.database();
    }

    @Override
    public String name() {
        return "native logical replication";
    }

    @Override
    public BenchNode root() {
        return root;
    }

    @Override
    public BenchNode leaf() {
        return leaf;
    }

    @Override
    public void setUp() throws Exception {
        try (Connection c = root.connect(); Statement st = c.createStatement()) {
            StringBuilder tables = new StringBuilder();
            for (String t : PgbenchTables.TABLES) {
                tables.append(tables.isEmpty() ? "" : ", ").append(SqlNames.quoteFqName(t));
            }
            st.execute("create publication " + PUBLICATION + " for table " + tables);
        }
    }

    @Override
    public void startCopy() throws Exception {
        try (Connection c = leaf.connect()) {
            // DDL takes no parameters: format() quotes the bound connection string as a literal
            String ddl;
            try (PreparedStatement ps = c.prepareStatement("select format('create subscription %I connection %L"
                                                           + " publication %I', ?, ?, ?)")) {
                ps.setString(1, subscription);
                ps.setString(2, root.conninfo());
                ps.setString(3, PUBLICATION);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ddl = rs.getString(1);
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute(ddl);
            }
            subscribed = true;
        }
    }

    @Override
    public boolean copied() throws Exception {
        return leaf.longValue("select count(*) from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid"
                              + " where s.subname = ? and r.srsubstate = 'r'", subscription)
               == PgbenchTables.TABLES.size();
    }

    @Override
    public void stopApplying() throws Exception {
        alter("disable");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        // disabled, its apply worker exits on its own time; the backlog must build up without it
        while (leaf.longValue("select count(*) from pg_stat_subscription where subname = ? and pid is not null",
                subscription) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: the apply worker of " + subscription + " did not stop");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @Override
    public void startApplying() throws Exception {
        alter("enable");
    }

    @Override
    public void close() throws Exception {
        if (subscribed) {
            try (Connection c = leaf.connect(); Statement st = c.createStatement()) {
                st.execute("drop subscription if exists " + SqlNames.quoteIdent(subscription));
            }
        }
    }

    private void alter(String what) throws Exception {
        try (Connection c = leaf.connect(); Statement st = c.createStatement()) {
            st.execute("alter subscription " + SqlNames.quoteIdent(subscription) + " " + what);
        }
    }
}
