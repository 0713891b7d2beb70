package io.camelskytools.londiste.handler;

import java.sql.Connection;
import java.util.Map;
import java.util.Objects;

import io.camelskytools.londiste.apply.HandlerSpec;
import io.camelskytools.londiste.apply.RowWriter;
import io.camelskytools.londiste.table.TableInfo;
import io.camelskytools.pgq.client.BatchInfo;

/** A table's handler kept while its attributes stay the same (a change-handler makes a new one). */
public final class TableHandlerCache {

    /** A handler with what it was made from. */
    public record Entry(String table, String destination, String attrs, LondisteHandler handler) {

        public HandlerContext context(Connection target, RowWriter writer, String queue, BatchInfo batch) {
            return new HandlerContext(target, writer, queue, table, destination, batch.curTickId(),
                    batch.curTickTime());
        }
    }

    private TableHandlerCache() {
    }

    /** The handler of {@code t} from {@code cache}, made (and kept there) when missing or stale. */
    public static Entry get(Map<String, Entry> cache, TableInfo t) {
        Entry e = cache.get(t.name());
        if (e == null || !Objects.equals(e.attrs(), t.attrs()) || !e.destination().equals(t.destination())) {
            e = new Entry(t.name(), t.destination(), t.attrs(),
                    Handlers.create(t.name(), HandlerSpec.ofAttrs(t.attrMap())));
            cache.put(t.name(), e);
        }
        return e;
    }
}
