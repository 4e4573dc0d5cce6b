package dev.vmcore.commands;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** bt's command line as crash takes it: combined flags, -c lists and ranges, one-line errors. */
class BtCommandTest {
    @Test
    void flagsCombineAndCpuListsExpand() {
        BtCommand.Request r = BtCommand.parse(List.of("-lf", "-c", "0,2-3", "98"));
        assertEquals(Set.of('l', 'f'), r.flags());
        assertEquals(List.of(0, 2, 3), r.cpus());
        assertEquals(List.of("98"), r.targets());
        assertEquals(Set.of('a', 's'), BtCommand.parse(List.of("-a", "-s")).flags());
    }

    @Test
    void badInputIsOneLine() {
        assertEquals("bt: invalid option: -z", assertThrows(CommandException.class,
                () -> BtCommand.parse(List.of("-z"))).getMessage());
        assertEquals("bt: -c needs a CPU list, e.g. -c 0,1", assertThrows(CommandException.class,
                () -> BtCommand.parse(List.of("-c"))).getMessage());
        assertEquals("bt: invalid CPU list: 1-x", assertThrows(CommandException.class,
                () -> BtCommand.parse(List.of("-c", "1-x"))).getMessage());
        assertEquals("bt: invalid CPU list: 3-1", assertThrows(CommandException.class,
                () -> BtCommand.parse(List.of("-c", "3-1"))).getMessage());
    }
}
