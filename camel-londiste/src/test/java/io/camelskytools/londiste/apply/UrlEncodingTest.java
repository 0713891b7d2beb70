package io.camelskytools.londiste.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class UrlEncodingTest {

    @Test
    void decodesSkytoolsRowsWithNullsSpacesAndUtf8() {
        Map<String, String> row = UrlEncoding.decode("id=1&txt=a+b%26c%3Dd&val&name=%C3%B5un");
        assertThat(row).containsExactly(Map.entry("id", "1"), Map.entry("txt", "a b&c=d"),
                new java.util.AbstractMap.SimpleEntry<>("val", null), Map.entry("name", "õun"));
    }

    @Test
    void encodeAndDecodeAgree() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("handler", "bulk(method=1)");
        m.put("n", null);
        m.put("sp", "a b*~");
        assertThat(UrlEncoding.decode(UrlEncoding.encode(m))).isEqualTo(m);
    }

    @Test
    void logutrigaEventsBecomeRowChanges() {
        RowChange c = RowChange.fromLogutriga("U:id,k", "id=1&k=2&v=x");
        assertThat(c.op()).isEqualTo('U');
        assertThat(c.keys()).containsExactly("id", "k");
        assertThat(RowChange.fromLogutriga("I", "(a) values (1)")).isNull();
        assertThat(RowChange.fromLogutriga("X:id", "")).isNull();
    }
}
