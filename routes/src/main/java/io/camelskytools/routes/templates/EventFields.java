package io.camelskytools.routes.templates;

import java.util.LinkedHashMap;
import java.util.Map;

import io.camelskytools.pgq.client.PgqEvent;

/**
 * The named fields of an event for a statement, as Skytools' simple consumers offered them:
 * the fields of ev_data (by the data format) and {@code pgq.ev_id}, {@code pgq.ev_time},
 * {@code pgq.ev_txid}, {@code pgq.ev_retry}, {@code pgq.ev_type}, {@code pgq.ev_data},
 * {@code pgq.ev_extra1} .. {@code pgq.ev_extra4}. The pgq.* names win over data fields.
 */
final class EventFields {

    private EventFields() {
    }

    static Map<String, String> of(PgqEvent e, DataFormat format) {
        Map<String, String> fields = new LinkedHashMap<>(format.fields(e.data()));
        fields.put("pgq.ev_id", Long.toString(e.id()));
        fields.put("pgq.ev_time", e.time() == null ? null : e.time().toString());
        fields.put("pgq.ev_txid", Long.toString(e.txid()));
        fields.put("pgq.ev_retry", Integer.toString(e.retry()));
        fields.put("pgq.ev_type", e.type());
        fields.put("pgq.ev_data", e.data());
        fields.put("pgq.ev_extra1", e.extra1());
        fields.put("pgq.ev_extra2", e.extra2());
        fields.put("pgq.ev_extra3", e.extra3());
        fields.put("pgq.ev_extra4", e.extra4());
        return fields;
    }
}
