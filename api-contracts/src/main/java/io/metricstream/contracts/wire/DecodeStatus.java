package io.metricstream.contracts.wire;

/** Outcome of checking bytes received from the wire or read from disk, before any accessor is used. */
public enum DecodeStatus {
    /** Structure is valid: every length is in bounds and every checksum matches. */
    OK,
    /** Fewer bytes are readable than the structure declares; more may arrive (or the tail is torn). */
    TRUNCATED,
    /** A length field is negative, too small for the header, or larger than the allowed maximum. */
    BAD_LENGTH,
    /** The CRC32C stored in the structure does not match its bytes. */
    BAD_CRC,
    /** An unknown format version (magic). */
    BAD_MAGIC,
    /** A nested record or field is malformed (lengths do not add up, bad UTF-8, unsorted labels ...). */
    BAD_CONTENT
}
