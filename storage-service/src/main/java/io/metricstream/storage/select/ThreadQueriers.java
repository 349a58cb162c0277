package io.metricstream.storage.select;

import io.metricstream.storage.db.TimeSeriesDb;

/**
 * The queriers of one select thread, reused by every select it runs over the same database, with their scratch arrays
 * grown to the selects' size (but for the chunk list, which each select grows anew: ChunkList.restart). Made per
 * select, their scratch was most of a select's allocation (SelectCpuBench,
 * PEERS.md data set: Q1's SELECT_CHUNKS 198 KB a select, 62 KB reused; Q2's SELECT_WINDOWS 712 KB, 24 KB reused, the
 * sample buffers growing to a day of samples each time) and Q1 cost 9-16 % more CPU. Confined to its thread (a
 * {@link ThreadLocal}); {@link #acquire} hands them out to one select at a time and {@link #release} takes them back,
 * so a select nested in another's visitor on the same thread (none does today) gets fresh ones instead of the scratch
 * the outer select is still using. Nothing of an answer outlives its select's visitor calls (samples, windows and
 * chunk lists are valid during the call only, and SelectFrameAdapter copies them into frames), so the next select may
 * overwrite the scratch. A thread keeps the queriers (scratch arrays and the database reference, nothing of its
 * blocks) of the last database it selected from.
 */
final class ThreadQueriers {
    private static final ThreadLocal<ThreadQueriers> CURRENT = new ThreadLocal<>();

    private final TimeSeriesDb db;
    final Querier querier;
    final ChunkQuerier chunkQuerier;
    final WindowQuerier windowQuerier;
    private boolean inUse;

    private ThreadQueriers(final TimeSeriesDb db) {
        this.db = db;
        this.querier = new Querier(db);
        this.chunkQuerier = new ChunkQuerier(db, querier);
        this.windowQuerier = new WindowQuerier(db, querier);
    }

    /** This thread's queriers over {@code db} (new ones when it last used another db or they are in use). */
    static ThreadQueriers acquire(final TimeSeriesDb db) {
        ThreadQueriers q = CURRENT.get();
        if (q == null || q.db != db) {
            q = new ThreadQueriers(db);
            CURRENT.set(q);
        } else if (q.inUse) {
            return new ThreadQueriers(db);
        }
        q.inUse = true;
        return q;
    }

    /**
     * Gives them back once the select is done with them (answer streamed or failed), dropping what the scratch still
     * references of the database: an idle thread must not keep a compacted-away block's mapped segments alive.
     */
    void release() {
        chunkQuerier.forget();
        windowQuerier.forget();
        inUse = false;
    }
}
