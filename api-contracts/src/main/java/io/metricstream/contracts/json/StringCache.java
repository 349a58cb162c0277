package io.metricstream.contracts.json;

/**
 * A direct-mapped cache from char ranges to equal Strings, so the metric names, label values and client ids that
 * repeat from sample to sample cost one String per distinct text instead of one per occurrence. A slot holds the
 * last String that hashed to it; a miss allocates and replaces. Bounded: {@link #SLOTS} Strings of at most
 * {@link #MAX_CACHED_LENGTH} chars.
 *
 * <p>Not thread-safe; owned by one {@link SeedJsonCodec}.
 */
final class StringCache {
    /** Slots; a power of two. */
    static final int SLOTS = 1024;
    /** Longer texts are not cached: they rarely repeat and would pin memory. */
    static final int MAX_CACHED_LENGTH = 128;

    private final String[] slots = new String[SLOTS];

    /** Returns a String equal to the {@code length} chars at {@code offset}, from the cache when it holds one. */
    String get(final char[] chars, final int offset, final int length) {
        if (length > MAX_CACHED_LENGTH) {
            return new String(chars, offset, length);
        }
        int h = 0;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + chars[i];
        }
        final int slot = (h ^ h >>> 16) & SLOTS - 1;
        final String cached = slots[slot];
        if (cached != null && equals(cached, chars, offset, length)) {
            return cached;
        }
        final String s = new String(chars, offset, length);
        slots[slot] = s;
        return s;
    }

    private static boolean equals(final String s, final char[] chars, final int offset, final int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
