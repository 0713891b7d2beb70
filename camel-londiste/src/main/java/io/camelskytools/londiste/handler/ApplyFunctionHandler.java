package io.camelskytools.londiste.handler;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * {@code applyfn}: each event goes to an SQL function,
 * {@code func(conf, tick_id, ev_id, ev_time, ev_txid, ev_retry, ev_type, ev_data, extra1..4)}
 * with every argument as text, as londiste3 calls it. Like londiste3's, it needs the local
 * table (the copy fills it; events after the copy go to the function only).
 */
final class ApplyFunctionHandler implements LondisteHandler {

    static final HandlerFactory FACTORY = new HandlerFactory() {
        @Override
        public String name() {
            return "applyfn";
        }

        @Override
        public String description() {
            return "Calls an SQL function for each event: func(conf, tick_id, ev_id, ev_time, ev_txid, ev_retry, ev_type,"
                   + " ev_data, extra1, extra2, extra3, extra4). Arguments: func_name=NAME (required),"
                   + " func_conf=TEXT.";
        }

        @Override
        public LondisteHandler create(String table, Map<String, String> args) {
            Handlers.checkArgs(name(), args, Set.of("func_name", "func_conf"));
            String fn = args.get("func_name");
            if (fn == null || fn.isBlank()) {
                throw new IllegalArgumentException("handler applyfn: func_name is missing");
            }
            return new ApplyFunctionHandler(fn, args.getOrDefault("func_conf", ""));
        }
    };

    private final String function;
    private final String conf;

    private ApplyFunctionHandler(String function, String conf) {
        this.function = function;
        this.conf = conf;
    }

    @Override
    public void process(PgqEvent ev, HandlerContext context) throws SQLException {
        context.writer().flush();
        String sql = "select " + SqlNames.quoteFqName(function) + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = context.target().prepareStatement(sql)) {
            Object[] args = {conf, context.tickId(), ev.id(), ev.time(), ev.txid(), ev.retry(), ev.type(), ev.data(),
                ev.extra1(), ev.extra2(), ev.extra3(), ev.extra4()};
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i] == null ? null : args[i].toString());
            }
            ps.execute();
        }
    }
}
