package dev.vmcore.commands;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandRegistryTest {
    @Test
    void aliasesFindTheSameCommand() {
        CommandRegistry r = CommandRegistry.standard();
        Command quit = r.find("quit").orElseThrow();
        assertSame(quit, r.find("exit").orElseThrow());
        assertSame(quit, r.find("q").orElseThrow());
        assertTrue(quit.endsSession());
        assertTrue(r.find("nosuch").isEmpty());
    }

    @Test
    void namesAreSortedAndIncludeAliases() {
        List<String> names = CommandRegistry.standard().names();
        assertTrue(names.containsAll(List.of("help", "h", "quit", "exit", "q")));
        assertEquals(names.stream().sorted().toList(), names);
    }

    @Test
    void suggestsCloseNames() {
        CommandRegistry r = CommandRegistry.standard();
        assertEquals(List.of("help"), r.suggestions("hlep"));
        assertEquals(List.of("quit"), r.suggestions("qiut"));
        assertTrue(r.suggestions("zzzzzzzz").isEmpty());
    }

    @Test
    void editDistanceCountsInsertDeleteSubstitute() {
        assertEquals(0, CommandRegistry.editDistance("bt", "bt"));
        assertEquals(1, CommandRegistry.editDistance("bt", "btt"));
        assertEquals(1, CommandRegistry.editDistance("sym", "sum"));
        assertEquals(3, CommandRegistry.editDistance("", "log"));
    }

    @Test
    void duplicateNamesAreRejected() {
        Command a = new QuitCommand();
        assertThrows(IllegalArgumentException.class, () -> new CommandRegistry(List.of(a, a)));
    }
}
