package io.camelskytools.pgq.client;

import java.time.OffsetDateTime;

/** One event of a batch, as pgq.get_batch_events returns it. retry is 0 for a first delivery. */
public record PgqEvent(long id, OffsetDateTime time, long txid, int retry, String type, String data,
                       String extra1, String extra2, String extra3, String extra4) {
}
