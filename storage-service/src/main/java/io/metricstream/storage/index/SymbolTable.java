package io.metricstream.storage.index;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The sorted, de-duplicated strings of one block index; label names and values are stored as int refs into it.
 * Built once by the writer, then immutable.
 */
public final class SymbolTable {
    private final String[] symbols;
    private final Map<String, Integer> refs = new HashMap<>();

    /** A table of {@code strings} (any order, duplicates allowed). */
    public SymbolTable(final Iterable<String> strings) {
        final TreeSet<String> sorted = new TreeSet<>();
        for (final String s : strings) {
            sorted.add(s);
        }
        this.symbols = sorted.toArray(new String[0]);
        for (int i = 0; i < symbols.length; i++) {
            refs.put(symbols[i], i);
        }
    }

    /** A table read from an index file (already sorted). */
    public SymbolTable(final String[] symbols) {
        this.symbols = Arrays.copyOf(symbols, symbols.length);
    }

    /** Ref of {@code s}; a missing symbol is a programming error of the writer. */
    public int ref(final String s) {
        final Integer r = refs.get(s);
        if (r == null) {
            throw new IllegalArgumentException("symbol not in table: " + s);
        }
        return r;
    }

    /** The symbol with {@code ref}. */
    public String symbol(final int ref) {
        return symbols[ref];
    }

    /** Number of symbols. */
    public int size() {
        return symbols.length;
    }
}
