package io.camelskytools.londiste.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExecAttrsTest {

    @Test
    void readsMetaLinesWithContinuationsUntilTheFirstStatement() {
        ExecAttrs a = ExecAttrs.fromSql("""

                --
                --*-- Local-Table: foo ,
                -- a plain comment
                --*-- bar ,
                --*--
                --*-- zoo
                --*-- Local-Sequence: goo
                create table x (--*-- Need-Table: not.read
                );
                """);
        assertThat(a.toUrlenc()).isEqualTo("local-table=foo%2Cbar%2Czoo&local-sequence=goo");
        assertThat(ExecAttrs.fromUrlenc(a.toUrlenc()).toUrlenc()).isEqualTo(a.toUrlenc());
        assertThat(ExecAttrs.fromSql("alter table t add x int;").isEmpty()).isTrue();
    }

    @Test
    void unknownKeysAreRefused() {
        assertThatThrownBy(() -> ExecAttrs.fromSql("--*-- Local-Tabel: t\n")).hasMessage("Invalid key: Local-Tabel");
    }
}
