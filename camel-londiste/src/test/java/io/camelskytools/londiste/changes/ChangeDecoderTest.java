package io.camelskytools.londiste.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.camelskytools.pgq.client.PgqEvent;
import org.junit.jupiter.api.Test;

/** Events as Londiste's triggers write them, read into the changes a route gets. */
class ChangeDecoderTest {

    private static PgqEvent event(String type, String data, String table) {
        return new PgqEvent(7, null, 99, 0, type, data, table, null, null, null);
    }

    @Test
    void logutrigaGivesKeyAndRowWithNullsAndCompositeKeys() {
        TableChange c = ChangeDecoder.decode(event("U:shop,id", "shop=1&id=5&note&item=a+b%26c", "public.items"));
        assertThat(c.table()).isEqualTo("public.items");
        assertThat(c.operation()).isEqualTo("UPDATE");
        assertThat(c.key()).containsExactly(entry("shop", "1"),
                entry("id", "5"));
        assertThat(c.row()).containsEntry("note", null).containsEntry("item", "a b&c");
        assertThat(c.eventId()).isEqualTo(7);
        assertThat(c.txid()).isEqualTo(99);
    }

    @Test
    void jsontrigaAndTruncateAreChangesControlEventsAreNot() {
        TableChange json = ChangeDecoder.decode(event("{\"op\":\"DELETE\",\"table\":[\"public\",\"t\"],\"pkey\":[\"id\"]}",
                "{\"id\":3,\"v\":null}", "public.t"));
        assertThat(json.operation()).isEqualTo("DELETE");
        assertThat(json.key()).containsEntry("id", "3");
        assertThat(json.row()).containsEntry("v", null);
        assertThat(ChangeDecoder.decode(event("R", "", "public.t")).operation()).isEqualTo("TRUNCATE");
        assertThat(ChangeDecoder.decode(event("pgq.location-info", "", null))).isNull();
        assertThat(ChangeDecoder.decode(event("londiste.add-table", "public.t", null))).isNull();
        assertThat(ChangeDecoder.decode(event("EXECUTE", "x.sql", null))).isNull();
    }

    @Test
    void sqltrigaIsRefusedNamingTheTable() {
        assertThatThrownBy(() -> ChangeDecoder.decode(event("I", "(id,v) values ('1','x')", "public.t")))
                .hasMessageContaining("event 7 of table public.t is a sqltriga event");
    }

    @Test
    void tableFilterTakesNamesWithoutSchemaAndGlobs() {
        TableFilter f = TableFilter.parse("orders, sales.*");
        assertThat(f.accepts("public.orders")).isTrue();
        assertThat(f.accepts("public.orders_old")).isFalse();
        assertThat(f.accepts("sales.q1")).isTrue();
        assertThat(f.accepts("other.orders")).isFalse();
        assertThat(TableFilter.parse(null).accepts("any.thing")).isTrue();
    }
}
