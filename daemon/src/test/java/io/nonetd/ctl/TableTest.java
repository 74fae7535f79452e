package io.nonetd.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAlignAndTheLastIsNotPadded() {
        String t = new Table("ID", "SERVICE", "STATE").row("3fa9c01e", "echo", "running").row("a", "sanitize", "x").render();
        assertEquals("""
                ID        SERVICE   STATE
                3fa9c01e  echo      running
                a         sanitize  x
                """, t);
    }

    @Test
    void headerOnlyWhenEmpty() {
        assertEquals("A  B\n", new Table("A", "B").render());
    }

    @Test
    void rowsMustFit() {
        assertEquals("row has 1 cells, expected 2", assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("x")).getMessage());
    }
}
