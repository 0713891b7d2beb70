package io.camelskytools.pgq;

/** What a pgq producer does. */
public enum PgqOperation {
    /** Insert the body as one event, or a List body as one event per element (the default). */
    insert,
    createQueue,
    dropQueue,
    /** Body: a Map of queue settings (ticker_max_count, ticker_max_lag, ...) to set. */
    setQueueConfig,
    registerConsumer,
    unregisterConsumer,
    /** Run pgq.ticker() for every queue of the database; body out: how many queues got a tick. */
    tick,
    /** pgq.force_tick(queue) then pgq.ticker(): a tick now. Body out: the new tick id. */
    forceTick,
    /** Move due retry events back into their queues; body out: how many moved. */
    retryEvents,
    /** One round of pgq.maint_operations(), each step in its own transaction; body out: steps run. */
    maintenance,
    /** Body out: a List of Maps, one per queue (all queues when the endpoint's queue is "*"). */
    queueInfo,
    /** Body out: a List of Maps, one per consumer of the queue. */
    consumerInfo
}
