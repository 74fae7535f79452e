package io.nonetd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class IniTest {
    @Test
    void keepsSectionsKeysValuesAndLineNumbers() throws Exception {
        List<Ini.Section> s = Ini.parse("f", "# comment\n[Service]\nExecStart = /bin/cat \\\n  -u\n; other\n\n[Container]\r\nReadOnly=yes\r\n");
        assertEquals(2, s.size());
        assertEquals(new Ini.Section("Service", 2, List.of(new Ini.Assignment("ExecStart", "/bin/cat  -u", 3))), s.get(0));
        assertEquals(new Ini.Assignment("ReadOnly", "yes", 8), s.get(1).assignments().get(0));
    }

    @Test
    void commentsInsideAContinuationAreSkipped() throws Exception {
        List<Ini.Section> s = Ini.parse("f", "[S]\nA=one \\\n  # note\n  two\n");
        assertEquals("one  two", s.get(0).assignments().get(0).value());
    }

    @Test
    void anEscapedBackslashDoesNotContinue() throws Exception {
        List<Ini.Section> s = Ini.parse("f", "[S]\nA=x\\\\\nB=y\n");
        assertEquals(2, s.get(0).assignments().size());
        assertEquals("x\\\\", s.get(0).assignments().get(0).value());
    }
}
