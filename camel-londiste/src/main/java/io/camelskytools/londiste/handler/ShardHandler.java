package io.camelskytools.londiste.handler;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.camelskytools.londiste.apply.TableChangeApplier;
import io.camelskytools.londiste.apply.UrlEncoding;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * {@code shard} (old name {@code part}): rows are spread over nodes by a hash. The root's trigger
 * puts {@code hash=<hash_expr>} in ev_extra3; a node applies only the events whose hash, masked
 * with its shard_mask, is its shard_nr (from partconf.conf), and copies only those rows.
 * {@code disable_replay=1}: the table is neither copied nor replayed here.
 */
final class ShardHandler implements LondisteHandler {

    static final String DEFAULT_HASH_FUNC = "partconf.get_hash_raw";
    private static final Set<String> ARGS = Set.of("key", "hash_key", "hash_expr", "encoding", "ignore_truncate",
            "disable_replay");

    static final HandlerFactory SHARD = new Factory("shard",
            "Event filtering by hash, for sharded databases: the root's trigger puts hash=<hash_expr> into"
            + " ev_extra3; a node applies and copies only rows with (hash & shard_mask) = shard_nr, both read from"
            + " partconf.conf. Arguments: hash_key=COLUMN (or key=COLUMN; required), hash_expr=SQL (default"
            + " partconf.get_hash_raw(hash_key)), disable_replay=0|1 (default 0: 1 neither copies nor replays),"
            + " ignore_truncate=0|1 (default 0), encoding=utf8.");
    static final HandlerFactory PART = new Factory("part", "Old name of shard. " + SHARD.description()
            .substring(SHARD.description().indexOf("Arguments:")));

    private final String hashExpr;
    private final boolean disableReplay;
    private final Map<String, String> applyArgs;
    private ShardInfo shard;

    private ShardHandler(String hashExpr, boolean disableReplay, Map<String, String> applyArgs) {
        this.hashExpr = hashExpr;
        this.disableReplay = disableReplay;
        this.applyArgs = applyArgs;
    }

    @Override
    public void addTriggerArgs(List<String> triggerArgs) {
        triggerArgs.add("ev_extra3='hash='||" + hashExpr);
    }

    @Override
    public boolean needsTable() {
        return !disableReplay;
    }

    @Override
    public String copyCondition(Connection target) throws SQLException {
        ShardInfo s = ShardInfo.load(target);
        return "(" + hashExpr + " & " + s.mask() + ") = " + s.nr();
    }

    @Override
    public void process(PgqEvent ev, HandlerContext context) throws SQLException {
        if (disableReplay) {
            return;
        }
        if (!RowEvents.isTruncate(ev) && !isLocal(ev, context)) {
            return;
        }
        new TableChangeApplier(context.writer()).apply(ev, context.destination(), applyArgs);
    }

    private boolean isLocal(PgqEvent ev, HandlerContext context) throws SQLException {
        if (ev.extra3() == null) {
            throw new SQLException("handlers.shard: extra3 not filled on " + context.table() + " (event " + ev.id()
                                   + "; was the table added on the root with this handler?)");
        }
        String hash = UrlEncoding.decode(ev.extra3()).get("hash");
        if (hash == null) {
            throw new SQLException("handlers.shard: no hash in extra3 of event " + ev.id() + " of " + context.table()
                                   + ": " + ev.extra3());
        }
        if (shard == null) {
            shard = ShardInfo.load(context.target());
        }
        return shard.isLocal(Long.parseLong(hash.strip()));
    }

    private record Factory(String name, String description) implements HandlerFactory {
        @Override
        public LondisteHandler create(String table, Map<String, String> args) {
            Handlers.checkArgs(name, args, ARGS);
            Handlers.checkChoice(name, args, "ignore_truncate", "0", "1");
            Encoding.check(name, args);
            String key = args.containsKey("hash_key") ? args.get("hash_key") : args.get("key");
            if (key == null) {
                throw new IllegalArgumentException("Specify hash key field as hash_key argument (handler " + name
                                                   + " of " + table + ")");
            }
            String expr = args.getOrDefault("hash_expr",
                    PlainNames.fq(DEFAULT_HASH_FUNC) + "(" + PlainNames.ident(key) + ")");
            String replay = args.getOrDefault("disable_replay", "false");
            return new ShardHandler(expr, replay.equals("true") || replay.equals("1"),
                    Map.of("ignore_truncate", args.getOrDefault("ignore_truncate", "0")));
        }
    }
}
