package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Debian's pgqd ticking a database whose ticker routes also run: the packaged jar says so, naming the switch. */
@Tag("needs-debian")
class RunBesidePgqdIT {

    private static final String PGQD = "/usr/bin/pgqd";

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    private Process pgqd;

    @AfterEach
    void stopPgqd() throws Exception {
        if (pgqd != null) {
            pgqd.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRunningPgqdIsNoticedAndTheSwitchNamed() throws Exception {
        assertThat(Path.of(PGQD)).as("pgqd (Debian package pgqd)").isExecutable();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
        }
        Files.writeString(dir.resolve("pgqd.ini"), String.join("\n", "[pgqd]",
                "base_connstr = host=" + PG.db().server().host() + " port=" + PG.db().server().port() + " user=" + PG.db().server().user(),
                "database_list = " + PG.db().name(), "logfile = " + dir.resolve("pgqd.log"),
                "pidfile = " + dir.resolve("pgqd.pid"), "ticker_period = 0.2", "syslog = 0", ""));
        pgqd = new ProcessBuilder(PGQD, dir.resolve("pgqd.ini").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgqd.out").toFile()).start();
        try (Sql s = PG.db().open()) {
            await("pgqd's session").atMost(Duration.ofSeconds(30)).until(() -> s.longValue(
                    "select count(*) from pg_stat_activity where datname = current_database() and query = 'select pgq.ticker()'")
                    > 0);
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.management.enabled = false", ""));
        try (SkytoolsProcess run = SkytoolsProcess.start("run", "--config", cfg.toString())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.output().contains("pgqd ticks database main too"));
            assertThat(run.lines("pgqd ticks database main too")).hasSize(1).first().asString()
                    .contains(" WARN ").contains("set skytools.db.main.ticker=false to leave the ticking to it");
            assertThat(run.signal("TERM", 30)).isTrue();
        }
    }
}
