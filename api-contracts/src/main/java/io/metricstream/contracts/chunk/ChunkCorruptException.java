package io.metricstream.contracts.chunk;

/** A chunk (or a file holding chunks) failed validation; names the file and the byte offset. */
public final class ChunkCorruptException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final long offset;

    /** A corruption in {@code source} at byte {@code offset}. */
    public ChunkCorruptException(final String source, final long offset, final String reason) {
        super("corrupt chunk data: " + reason + " (file=" + source + ", offset=" + offset + ")");
        this.source = source;
        this.offset = offset;
    }

    /** The file (or "head") holding the bad bytes. */
    public String source() {
        return source;
    }

    /** Byte offset of the problem within {@link #source()}. */
    public long offset() {
        return offset;
    }
}
