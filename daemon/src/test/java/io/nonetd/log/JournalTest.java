package io.nonetd.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void encodesPlainFieldsAsKeyEqualsValue() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("MESSAGE", "[3fa9c01e] session start: peer 127.0.0.1:1, service 'echo'");
        f.put("PRIORITY", "6");
        f.put("EMPTY", "");
        assertEquals("MESSAGE=[3fa9c01e] session start: peer 127.0.0.1:1, service 'echo'\nPRIORITY=6\nEMPTY=\n",
                new String(Journal.encode(f), StandardCharsets.UTF_8));
    }

    @Test
    void encodesAValueWithANewlineWithItsLength() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("MESSAGE", "two\nlines é");
        f.put("PRIORITY", "6");
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.writeBytes("MESSAGE\n".getBytes(StandardCharsets.US_ASCII));
        want.writeBytes(new byte[] {12, 0, 0, 0, 0, 0, 0, 0}); // 12 UTF-8 bytes (é is two), 64-bit little-endian
        want.writeBytes("two\nlines é\n".getBytes(StandardCharsets.UTF_8));
        want.writeBytes("PRIORITY=6\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(want.toByteArray(), Journal.encode(f));
    }

    @Test
    void encodesLengthsAbove255LittleEndian() {
        String value = "x".repeat(299) + "\n"; // 300 = 0x012c
        byte[] got = Journal.encode(Map.of("K", value));
        assertArrayEquals(new byte[] {'K', '\n', 0x2c, 0x01, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(got, 10));
        assertEquals(10 + 300 + 1, got.length);
        assertEquals('\n', got[got.length - 1]);
    }

    @Test
    void refusesFieldNamesJournaldWouldDrop() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Journal.encode(Map.of("lower", "x")));
        assertEquals("bad journal field name 'lower'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Journal.encode(Map.of("_TRUSTED", "x")));
        assertThrows(IllegalArgumentException.class, () -> Journal.encode(Map.of("A=B", "x")));
    }

    @Test
    void stderrIsTheJournalOnlyWhenDeviceAndInodeMatch() throws Exception {
        Path f = Files.writeString(dir.resolve("stream"), "");
        long dev = (Long) Files.getAttribute(f, "unix:dev"), ino = (Long) Files.getAttribute(f, "unix:ino");
        assertTrue(Journal.isStream(dev + ":" + ino, f));
        assertFalse(Journal.isStream(dev + ":" + (ino + 1), f));
        assertFalse(Journal.isStream(null, f));
        assertFalse(Journal.isStream("garbage", f));
        assertFalse(Journal.isStream("1:x", f));
    }

    @Test
    void noJournalWhenItsSocketIsMissing() throws Exception {
        assertEquals(null, Journal.fromEnvironment(Map.of(Journal.SOCKET_VARIABLE, dir.resolve("nothing").toString())));
    }
}
