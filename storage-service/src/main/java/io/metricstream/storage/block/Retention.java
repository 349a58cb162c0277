package io.metricstream.storage.block;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses blocks to delete: by age, counted back from the NEWEST sample stored (never the wall clock, so
 * historical data is kept), and by total size, oldest first, counting deleted blocks whose files are still mapped
 * (their space is not free yet). Stateless.
 */
public final class Retention {
    private Retention() {
    }

    /**
     * Blocks to delete.
     *
     * @param blocks open blocks
     * @param newestMs newest sample timestamp stored (blocks and head)
     * @param retentionMs age limit (0 = none): a block whose maxTime is older than newest - retention goes
     * @param retentionBytes size limit over all blocks (0 = none)
     * @param retiredBytes bytes still on disk of blocks already deleted but mapped (counted against the limit: the
     *     space is not free until they are unmapped)
     */
    public static List<Block> expired(final List<Block> blocks, final long newestMs, final long retentionMs,
                                      final long retentionBytes, final long retiredBytes) {
        final List<Block> out = new ArrayList<>();
        final List<Block> kept = new ArrayList<>();
        for (final Block b : blocks) {
            if (retentionMs > 0 && newestMs != Long.MIN_VALUE && b.meta().maxTimeMs() < newestMs - retentionMs) {
                out.add(b);
            } else {
                kept.add(b);
            }
        }
        if (retentionBytes > 0) {
            kept.sort(Comparator.comparingLong((Block b) -> b.meta().maxTimeMs()).reversed());
            long total = retiredBytes;
            for (final Block b : kept) {
                total += b.sizeBytes();
                if (total > retentionBytes) {
                    out.add(b);
                }
            }
        }
        return out;
    }
}
