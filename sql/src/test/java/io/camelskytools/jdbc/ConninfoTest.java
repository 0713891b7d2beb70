package io.camelskytools.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConninfoTest {

    @Test
    void keywordStringsBecomeJdbcUrls() {
        Conninfo c = Conninfo.parse("host=db1 port=5433 dbname=app user=rep password='s3 cr\\'et' sslmode=require");
        assertThat(c.jdbcUrl()).isEqualTo(
                "jdbc:postgresql://db1:5433/app?user=rep&password=s3%20cr%27et&sslmode=require");
        assertThat(c.masked()).doesNotContain("s3").contains("password=xxxxxx");
        assertThat(c.text()).isEqualTo("host=db1 port=5433 dbname=app user=rep password='s3 cr\\'et' sslmode=require");
    }

    @Test
    void missingPartsTakeLibpqDefaults() {
        Conninfo c = Conninfo.parse("dbname=app");
        assertThat(c.jdbcUrl()).startsWith("jdbc:postgresql://localhost/app?user=");
        assertThat(Conninfo.parse("host=/var/run/postgresql dbname=x user=u").jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost/x?user=u");
        assertThat(Conninfo.parse("user=bob").database()).isEqualTo("bob");
    }

    @Test
    void uriFormIsReadToo() {
        Conninfo c = Conninfo.parse("postgresql://rep:p%40ss@db1:6432/my%20db?sslmode=disable&application_name=x");
        assertThat(c.jdbcUrl()).isEqualTo(
                "jdbc:postgresql://db1:6432/my%20db?user=rep&password=p%40ss&sslmode=disable&ApplicationName=x");
        assertThat(Conninfo.mask("postgresql://rep:secret@db1/app")).isEqualTo("postgresql://rep:xxxxxx@db1/app");
    }

    @Test
    void badStringsAreRefusedNamingThePart() {
        assertThatThrownBy(() -> Conninfo.parse("host=db1 dbname")).hasMessageContaining("missing \"=\" after \"dbname\"");
        assertThatThrownBy(() -> Conninfo.parse("password='open host=x")).hasMessageContaining("unterminated")
                .hasMessageNotContaining("open");
        assertThatThrownBy(() -> Conninfo.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void jdbcUrlsGiveTheServerPart() {
        assertThat(Conninfo.serverOf("jdbc:postgresql://db1:6432/app?user=bob&password=x", null))
                .isEqualTo("host=db1 port=6432 user=bob");
        assertThat(Conninfo.serverOf("jdbc:postgresql://db1/app", "rep")).isEqualTo("host=db1 port=5432 user=rep");
        assertThatThrownBy(() -> Conninfo.serverOf("jdbc:oracle:thin:@x", null)).hasMessageContaining("cannot read");
    }
}
