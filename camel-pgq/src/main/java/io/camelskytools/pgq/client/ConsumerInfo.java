package io.camelskytools.pgq.client;

import java.time.Duration;

/**
 * One row of pgq.get_consumer_info(): {@code lag} is the age of the consumer's position,
 * {@code lastSeen} the time since it last asked for or finished a batch; {@code currentBatch}
 * is null when no batch is open.
 */
public record ConsumerInfo(String queueName, String consumerName, Duration lag, Duration lastSeen, Long lastTick,
                           Long currentBatch, Long nextTick, long pendingEvents) {
}
