package io.nonetd.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionIdTest {
    @Test
    void idsAreShortHex() {
        String id = SessionId.next();
        assertTrue(id.matches("[0-9a-f]{8}"), id);
        assertNotEquals(id, SessionId.next());
    }

    @Test
    void machineNamesAreValidHostnames() {
        assertEquals("nonetd-echo-0000beef", SessionId.machineName("echo", "0000beef"));
        assertEquals("nonetd-my-web-app-0000beef", SessionId.machineName("My_Web.app", "0000beef"));
        String longName = SessionId.machineName("x".repeat(100), "0000beef");
        assertEquals(64, longName.length());
        assertTrue(longName.matches("[a-z0-9-]+"));
        assertEquals("nonetd-service-0000beef", SessionId.machineName("___", "0000beef"));
    }
}
