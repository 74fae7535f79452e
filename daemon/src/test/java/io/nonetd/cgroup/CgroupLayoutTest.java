package io.nonetd.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CgroupLayoutTest {
    @Test
    void sessionsGoUnderTheDaemonsOwnGroups() {
        String self = "9:name=systemd:/\n8:pids:/system.slice/x\n4:memory:/process_api/abc\n2:cpu,cpuacct:/\n0::/\n";
        assertEquals(new CgroupLayout(Path.of("/c/pids/system.slice/x/nonetd"), Path.of("/c/memory/process_api/abc/nonetd"), Path.of("/c/cpu/nonetd")),
                CgroupLayout.parse(self, Path.of("/c")));
    }

    @Test
    void noV1HierarchiesNoLayout() {
        assertNull(CgroupLayout.parse("0::/system.slice/nonetd@echo.service\n", Path.of("/c")));
        assertNull(CgroupLayout.parse("8:pids:/\n4:memory:/\n", Path.of("/c")), "all three controllers or none");
    }
}
