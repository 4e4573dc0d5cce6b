package dev.vmcore.format.dwarf;

import dev.vmcore.util.Unsigned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Address to inline chain, as {@code addr2line -i -f}: the subprogram whose ranges hold the address,
 * then the DW_TAG_inlined_subroutine DIEs nested in it (through lexical blocks) that hold it too.
 */
final class Symbolizer {
    private Symbolizer() {
    }

    static List<Frame> frames(Dwarf dwarf, Unit u, long address) {
        List<Die> chain = new ArrayList<>();
        Die at = u.root();
        for (int depth = 0; depth < Dwarf.MAX_DEPTH && at != null; depth++) {
            Die next = null;
            for (Die c : at.children()) {
                int tag = c.tag();
                if (tag != Dw.TAG_SUBPROGRAM && tag != Dw.TAG_INLINED_SUBROUTINE && tag != Dw.TAG_LEXICAL_BLOCK) {
                    continue;
                }
                List<long[]> ranges = c.ranges();
                if (ranges.isEmpty() ? tag == Dw.TAG_LEXICAL_BLOCK && c.hasChildren() : contains(ranges, address)) {
                    if (ranges.isEmpty() && !holds(c, address)) {
                        continue;
                    }
                    next = c;
                    break;
                }
            }
            if (next != null && next.tag() != Dw.TAG_LEXICAL_BLOCK) {
                chain.add(next);
            }
            at = next;
        }
        Optional<LineTable> table = dwarf.lineTable(u);
        Optional<SourceLine> loc = table.flatMap(t -> t.lookup(address));
        List<Frame> frames = new ArrayList<>();
        if (chain.isEmpty()) {
            loc.ifPresent(l -> frames.add(new Frame("??", l.file(), l.line(), false, -1)));
            return frames;
        }
        Die inner = chain.get(chain.size() - 1);
        frames.add(new Frame(name(inner), loc.map(SourceLine::file).orElse("??"), loc.map(SourceLine::line).orElse(0),
                inner.tag() == Dw.TAG_INLINED_SUBROUTINE, inner.offset()));
        for (int i = chain.size() - 1; i > 0; i--) {
            Die callee = chain.get(i);
            Die caller = chain.get(i - 1);
            String file = table.map(t -> t.file(callee.unsigned(Dw.AT_CALL_FILE).orElse(-1))).orElse("??");
            int line = (int) callee.unsigned(Dw.AT_CALL_LINE).orElse(0);
            frames.add(new Frame(name(caller), file, line, caller.tag() == Dw.TAG_INLINED_SUBROUTINE, caller.offset()));
        }
        return frames;
    }

    /** A lexical block without ranges holds the address when one of its descendants does. */
    private static boolean holds(Die block, long address) {
        for (Die c : block.children()) {
            if (contains(c.ranges(), address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(List<long[]> ranges, long address) {
        for (long[] r : ranges) {
            if (Unsigned.compare(address, r[0]) >= 0 && Unsigned.compare(address, r[1]) < 0) {
                return true;
            }
        }
        return false;
    }

    private static String name(Die d) {
        return d.nameFollowingOrigins().orElse("??");
    }
}
