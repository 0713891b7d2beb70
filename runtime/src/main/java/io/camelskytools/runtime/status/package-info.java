/**
 * What the running application tells about its queues: Prometheus gauges and health checks
 * read from every database ({@link io.camelskytools.runtime.status.DatabaseStats}), and the
 * status page that draws them ({@link io.camelskytools.runtime.status.StatusPage}).
 */
package io.camelskytools.runtime.status;
