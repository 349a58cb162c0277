package io.metricstream.loadgen.encode;

import io.metricstream.contracts.model.LabelSet;
import io.metricstream.loadgen.generate.SeriesCatalog;
import java.util.function.Function;

/**
 * The text a line-oriented encoder writes before each sample of a series (e.g. {@code m,host=h1 value=}),
 * rendered once per series on first use and reused for every later sample. Not thread-safe: one per encoder.
 */
final class SeriesPrefixes {
    private final SeriesCatalog catalog;
    private final Function<LabelSet, byte[]> render;
    private final byte[][] cache;

    SeriesPrefixes(final SeriesCatalog catalog, final Function<LabelSet, byte[]> render) {
        this.catalog = catalog;
        this.render = render;
        this.cache = new byte[catalog.size()][];
    }

    /** The prefix of series {@code id}. */
    byte[] of(final int id) {
        byte[] prefix = cache[id];
        if (prefix == null) {
            prefix = render.apply(catalog.labels(id));
            cache[id] = prefix;
        }
        return prefix;
    }
}
