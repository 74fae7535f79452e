package io.nonetd.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void values() {
        assertEquals("{\"a\":1,\"b\":\"x\",\"c\":[true,null],\"d\":{}}", Json.write(Json.obj("a", 1, "b", "x", "c", java.util.Arrays.asList(true, null), "d", Map.of())));
        assertEquals("[]", Json.write(List.of()));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"q\\\"b\\\\n\\nt\\tc\\u0001é\"", Json.write("q\"b\\n\nt\tc\u0001é"));
    }
}
