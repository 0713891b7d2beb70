package io.camelskytools.londiste.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LondisteConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsALondiste3IniAsItIs() throws Exception {
        Path ini = dir.resolve("st3_leaf.ini");
        Files.writeString(ini, String.join("\n",
                "# londiste3 leaf",
                "[londiste3]",
                "job_name = %(config_name)s_job",
                "config_name = leaf",
                "db = dbname=leaf host=10.0.0.2",
                "queue_name = replika",
                "logfile = ~/log/%(job_name)s.log",
                "pidfile = ~/pid/%(job_name)s.pid",
                "parallel_copies: 3",
                "loop_delay = 0.5",
                "pgq_lazy_fetch = 500",
                "our_own_key = 1",
                "  continued",
                ""));
        LondisteConfig cf = LondisteConfig.load(ini);
        assertThat(cf.jobName()).isEqualTo("leaf_job");
        assertThat(cf.queueName()).isEqualTo("replika");
        assertThat(cf.parallelCopies()).isEqualTo(3);
        assertThat(cf.loopDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(cf.unknownKeys()).containsExactly("config_name", "our_own_key");
        assertThat(cf.jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.2/leaf?user=" + System.getProperty("user.name"));
        assertThat(cf.publicLocation()).isEqualTo("dbname=leaf host=10.0.0.2");
    }

    @Test
    void jobNameDefaultsToTheFileName() throws Exception {
        Path ini = dir.resolve("root.ini");
        Files.writeString(ini, "[londiste]\ndb = dbname=r\nqueue_name = q\nlogfile = %(config_dir)s/%(job_name)s.log\n");
        LondisteConfig cf = LondisteConfig.load(ini);
        assertThat(cf.jobName()).isEqualTo("root");
        assertThat(cf.parallelCopies()).isEqualTo(1);
        assertThat(cf.exceptionSleep()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void badFilesSayWhatIsWrong() throws Exception {
        Path ini = dir.resolve("bad.ini");
        Files.writeString(ini, "[londiste]\ndb = dbname=r\n");
        assertThatThrownBy(() -> LondisteConfig.load(ini)).hasMessageContaining("queue_name is missing");
        Files.writeString(ini, "[other]\ndb = dbname=r\n");
        assertThatThrownBy(() -> LondisteConfig.load(ini)).hasMessageContaining("no [londiste]");
        Files.writeString(ini, "[londiste]\ndb = dbname=r\nqueue_name = q\nparallel_copies = 0\n");
        assertThatThrownBy(() -> LondisteConfig.load(ini)).hasMessageContaining("parallel_copies must be");
        Files.writeString(ini, "[londiste]\ndb = dbname=r\nqueue_name = %(nope)s\n");
        assertThatThrownBy(() -> LondisteConfig.load(ini)).hasMessageContaining("%(nope)s");
        Files.writeString(ini, "[londiste]\ndb = host=x dbname\nqueue_name = q\n");
        assertThatThrownBy(() -> LondisteConfig.load(ini)).hasMessageContaining("dbname");
        assertThatThrownBy(() -> LondisteConfig.load(dir.resolve("none.ini"))).hasMessageContaining("not found");
    }
}
