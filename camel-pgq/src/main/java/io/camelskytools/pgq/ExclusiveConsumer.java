package io.camelskytools.pgq;

import java.util.Optional;

import javax.sql.DataSource;

/**
 * An exclusive consumer of this process as the status page shows it: its cluster namespace,
 * the database holding its lock (null when another cluster service elects its leader),
 * whether this process leads it, and who does as far as this process knows.
 */
public record ExclusiveConsumer(String queue, String consumer, String namespace, DataSource lockDatabase,
                                boolean active, Optional<String> leader) {
}
