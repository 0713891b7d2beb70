package io.camelskytools.pgq.client;

import java.time.OffsetDateTime;

/** What pgq.next_batch_custom returned for an available batch. */
public record BatchInfo(long batchId, long prevTickId, long curTickId, OffsetDateTime prevTickTime,
                        OffsetDateTime curTickTime) {
}
