package dev.vmcore.util;

import java.util.ArrayList;
import java.util.List;

/** "Did you mean" suggestions for a mistyped name: symbols, types, members, commands. */
public final class Similar {
    private Similar() {
    }

    /**
     * Up to {@code max} of {@code candidates} that contain {@code name} (or, for candidates longer
     * than two characters, are contained in it), else that are within two edits of it; in
     * candidate order, without repeats.
     */
    public static List<String> names(Iterable<String> candidates, String name, int max) {
        List<String> containing = new ArrayList<>();
        List<String> close = new ArrayList<>();
        for (String n : candidates) {
            if (n == null || n.isEmpty()) {
                continue;
            }
            if (n.contains(name) || n.length() > 2 && name.contains(n)) {
                if (containing.size() < max && !containing.contains(n)) {
                    containing.add(n);
                }
            } else if (close.size() < max && Math.abs(n.length() - name.length()) <= 2 && editDistance(n, name) <= 2
                    && !close.contains(n)) {
                close.add(n);
            }
            if (containing.size() >= max) {
                break;
            }
        }
        List<String> out = new ArrayList<>(containing);
        for (String n : close) {
            if (out.size() < max && !out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Levenshtein distance (insertions, deletions, substitutions). */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
