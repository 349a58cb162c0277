package io.metricstream.ingestion.format;

/**
 * How much staging a body needs, learnt from the last body this parser staged: its entry bytes and key bytes per
 * body byte. A parser {@link #reserve}s that much of a new staging before parsing, so a 5,000-sample body grows
 * each staging buffer once instead of about eight times from 1 KiB (each growth a pooled allocation, a copy and a
 * free). An event loop's bodies come in similar shapes (one sender, one format), so the last body is a good guess;
 * a wrong guess costs what growing costs today: too small grows as before, too large holds unused capacity until
 * the batcher releases the staging. A reservation never exceeds twice what the last body staged, so a body cannot
 * make the next one hold more than the staging it was itself allowed (a dense small body followed by a huge one
 * that fails early reserves little), nor {@value #MAX_ENTRY_RATIO} x body bytes of entries,
 * {@link StagedSamples#maxSamples()} entries and {@value #MAX_KEY_RATIO} x body bytes of keys.
 *
 * <p>Not thread-safe; one per parser (per event loop). Holds no memory of its own.
 */
final class StagingEstimate {
    /** Fixed-point scale of the ratios (1/256 of a byte per body byte). */
    private static final int SCALE_SHIFT = 8;
    /** Most entry bytes per body byte reserved: a 40-byte entry per 2-byte remote-write sample. */
    static final int MAX_ENTRY_RATIO = StagedSamples.ENTRY_LENGTH / 2;
    /** Most key bytes per body byte reserved (a key is about its labels' bytes plus a few per label). */
    static final int MAX_KEY_RATIO = 2;
    /** Bodies below this teach nothing and reserve nothing: their few growths are small copies. */
    static final int MIN_BODY_BYTES = 4096;

    private long entriesPerByte;
    private long keysPerByte;
    private long lastEntryBytes;
    private long lastKeyBytes;

    /** Reserves in {@code out} what a body of {@code bodyBytes} needs if it is shaped like the last one. */
    void reserve(final StagedSamples out, final int bodyBytes) {
        if (bodyBytes >= MIN_BODY_BYTES && entriesPerByte > 0) {
            out.reserve(room(bodyBytes, entriesPerByte, lastEntryBytes), room(bodyBytes, keysPerByte, lastKeyBytes));
        }
    }

    private static int room(final int bodyBytes, final long perByte, final long last) {
        return (int) Math.min(Math.min(bodyBytes * perByte >>> SCALE_SHIFT, 2 * last), Integer.MAX_VALUE);
    }

    /** Learns the shape of a body of {@code bodyBytes} that staged {@code out} completely. */
    void learn(final StagedSamples out, final int bodyBytes) {
        if (bodyBytes >= MIN_BODY_BYTES) {
            final long entryBytes = (long) out.sampleCount() * StagedSamples.ENTRY_LENGTH;
            lastEntryBytes = entryBytes;
            lastKeyBytes = out.keyBytes();
            entriesPerByte = Math.min((entryBytes << SCALE_SHIFT) / bodyBytes, (long) MAX_ENTRY_RATIO << SCALE_SHIFT);
            keysPerByte = Math.min(((long) out.keyBytes() << SCALE_SHIFT) / bodyBytes,
                (long) MAX_KEY_RATIO << SCALE_SHIFT);
        }
    }
}
