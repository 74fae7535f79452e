package io.nonetd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordsTest {
    @Test
    void splitsOnWhitespaceAndHonoursQuotes() {
        assertEquals(List.of("/bin/sh", "-c", "echo hi there"), Words.split("/bin/sh -c 'echo hi there'"));
        assertEquals(List.of("a b", "c"), Words.split("  \"a b\"\tc  "));
        assertEquals(List.of("ab cd"), Words.split("a\"b c\"d"));
        assertEquals(List.of(""), Words.split("''"));
        assertEquals(List.of(), Words.split("   "));
    }

    @Test
    void interpretsCEscapes() {
        assertEquals(List.of("a\tb", "x y", "A", "A", "é", ";", "\\"), Words.split("a\\tb x\\sy \\x41 \\101 \\u00e9 \\; \\\\"));
        assertEquals(List.of("it's"), Words.split("\"it\\'s\""));
    }

    @Test
    void refusesBrokenInput() {
        assertEquals("unbalanced quotes in 'echo \"hi'", assertThrows(IllegalArgumentException.class, () -> Words.split("echo \"hi")).getMessage());
        assertEquals("unknown escape '\\q'; write '\\\\' for a backslash", assertThrows(IllegalArgumentException.class, () -> Words.split("a\\qb")).getMessage());
        assertEquals("escaped NUL byte is not allowed", assertThrows(IllegalArgumentException.class, () -> Words.split("\\x00")).getMessage());
        assertEquals("bad escape '\\19t'", assertThrows(IllegalArgumentException.class, () -> Words.split("\\19t")).getMessage());
        assertEquals("bad escape '\\x+1'", assertThrows(IllegalArgumentException.class, () -> Words.split("\\x+1")).getMessage());
        assertEquals("trailing backslash", assertThrows(IllegalArgumentException.class, () -> Words.split("abc\\")).getMessage());
    }

    @Test
    void expandsSpecifiers() {
        assertEquals("/srv/echo/100%", Words.expandSpecifiers("/srv/%i/100%%", "echo"));
        assertEquals("unsupported specifier '%h'; only %i and %% are known, write '%%' for a percent sign",
                assertThrows(IllegalArgumentException.class, () -> Words.expandSpecifiers("%h", "x")).getMessage());
    }

    @Test
    void expandsVariablesLikeSystemd() {
        Map<String, String> env = Map.of("OPTS", "-a  -b", "DIR", "/srv/x");
        assertEquals(List.of("cmd", "-a", "-b", "--dir=/srv/x/y", "$5", ""), Words.expandVariables(List.of("cmd", "$OPTS", "--dir=${DIR}/y", "$$5", "${NOPE}"), env));
        assertEquals(List.of("cmd"), Words.expandVariables(List.of("cmd", "$UNSET"), env));
    }
}
