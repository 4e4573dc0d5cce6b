package dev.vmcore.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskStateTest {
    @Test
    void lettersFollowCrash() {
        assertEquals("RU", TaskState.letters(0));
        assertEquals("IN", TaskState.letters(TaskState.INTERRUPTIBLE));
        assertEquals("UN", TaskState.letters(TaskState.UNINTERRUPTIBLE));
        assertEquals("UN", TaskState.letters(TaskState.UNINTERRUPTIBLE | TaskState.WAKEKILL)); // TASK_KILLABLE
        assertEquals("ID", TaskState.letters(TaskState.UNINTERRUPTIBLE | TaskState.NOLOAD)); // TASK_IDLE
        assertEquals("ST", TaskState.letters(TaskState.STOPPED | TaskState.WAKEKILL)); // TASK_STOPPED
        assertEquals("TR", TaskState.letters(TaskState.TRACED));
        assertEquals("ZO", TaskState.letters(TaskState.DEAD | TaskState.EXIT_ZOMBIE)); // a reaped-later zombie
        assertEquals("DE", TaskState.letters(TaskState.DEAD | TaskState.EXIT_DEAD));
        assertEquals("DE", TaskState.letters(TaskState.DEAD));
        assertEquals("PA", TaskState.letters(TaskState.PARKED));
        assertEquals("WA", TaskState.letters(TaskState.WAKING));
        assertEquals("NE", TaskState.letters(TaskState.NEW));
        assertEquals("??", TaskState.letters(TaskState.WAKEKILL));
    }
}
