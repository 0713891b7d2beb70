package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.runtime.cli.InProcessCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skytools.template.NAME.* mistakes stop `skytools run` at start with one line naming the key. */
class RunTemplatesConfigTest {

    @TempDir
    Path dir;

    @Test
    void missingAndBadParametersAreNamedByTheirKey() throws Exception {
        assertRefused("mover", List.of("type = queue-mover", "source = main", "target = dw"),
                "skytools.template.mover.queue is not set (queue-mover: queue to read)");
        assertRefused("mover", List.of("type = queue-mover", "queue = orders"),
                "skytools.template.mover.source is not set (queue-mover: the queue's database)");
        assertRefused("mover", List.of("type = queue-muver"),
                "skytools.template.mover.type must be one of queue-mover, queue-splitter, simple-consumer,"
                + " simple-local-consumer, data-maintainer, not 'queue-muver'");
        assertRefused("mover", List.of("type = queue-mover", "source = main", "queue = orders", "target = nowhere"),
                "skytools.template.mover.target names no configured database: 'nowhere' (configured: dw, main)");
        assertRefused("mover", List.of("type = queue-mover", "source = main", "queue = orders", "target = dw",
                "dst_queue_name = x"),
                "skytools.template.mover.dst_queue_name is not a parameter of queue-mover (it takes source, target, queue,"
                + " consumer, target-queue, chunk-size)");
        assertRefused("mover", List.of("type = queue-mover", "source = main", "queue = orders&x=1", "target = dw"),
                "skytools.template.mover.queue may only use letters, digits, _ . -, not 'orders&x=1'");
        assertRefused("load", List.of("type = simple-consumer", "source = main", "queue = q", "target = dw",
                "query = select %s"),
                "skytools.template.load.query has a % at position 7 that does not start %(name)s");
        assertRefused("split", List.of("type = queue-splitter", "source = main", "queue = q", "target = dw",
                "queue-field = table"),
                "skytools.template.split.queue-field must be type, extra1, extra2, extra3, extra4, not 'table'");
        assertRefused("walk", List.of("type = data-maintainer", "source = dw", "chunk-query = select 1",
                "row-statement = select 1", "sleep = a while"),
                "skytools.template.walk.sleep must be a duration like 500ms, 2s or 5m, not 'a while'");
        assertRefused("walk", List.of("type = data-maintainer", "source = dw", "chunk-query = select 1",
                "row-statement = select 1", "commit-interval = 0"),
                "skytools.template.walk.commit-interval must be a whole number of at least 1, not '0'");
        assertRefused("load", List.of("type = simple-consumer", "source = main", "queue = q", "target = dw",
                "query = select 1", "consumer-filter = public.users"),
                "skytools.template.load.consumer-filter is an SQL condition on the event (as Skytools' consumer_filter),"
                + " not a table name: for the events of table public.users write ev_extra1 = 'public.users'");
    }

    /** {@code lines} are the keys of block {@code name} without their prefix skytools.template.NAME. */
    private void assertRefused(String name, List<String> lines, String message) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                // never reached: the configuration is refused before any connection
                "skytools.db.main.url = jdbc:postgresql://127.0.0.1:1/main",
                "skytools.db.dw.url = jdbc:postgresql://127.0.0.1:1/dw",
                "skytools.management.enabled = false"));
        lines.forEach(l -> all.add("skytools.template." + name + "." + l));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n", all) + "\n");
        InProcessCli.Result r = InProcessCli.run("run", "--config", cfg.toString(), "--duration", "1");
        assertThat(r.exit()).as("exit; out:%n%s%nerr:%n%s", r.out(), r.err()).isEqualTo(1);
        assertThat(r.err()).contains(message);
    }
}
