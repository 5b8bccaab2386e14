package dev.stereo.calibration;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the intended word for a misspelt key or enum value ("flip_horizonal" to
 * "flip_horizontal"). Stateless and thread-safe.
 */
final class KeySuggester {

    /** Edits allowed between a typo and its suggestion; more than that is a guess, not a typo. */
    static final int MAX_DISTANCE = 2;

    private KeySuggester() {}

    /**
     * The candidate closest to {@code word}, if it is within {@link #MAX_DISTANCE} edits or
     * differs only in case and separators (camelCase or dashes for snake_case is a common slip).
     */
    static Optional<String> suggest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String squashedWord = squash(word);
        for (String candidate : candidates) {
            if (squash(candidate).equals(squashedWord)) {
                return Optional.of(candidate);
            }
            int d = distance(word.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= MAX_DISTANCE ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Levenshtein distance (insert, delete, substitute each cost 1). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String squash(String s) {
        return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }
}
