package io.metricstream.ingestion.format;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.xerial.snappy.Snappy;

/**
 * Decodes a Prometheus remote write 1.0 body (snappy block format around a protobuf {@code WriteRequest}) into
 * staged samples:
 * <pre>
 *   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3;
 *                  repeated Histogram histograms = 4; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 * The protobuf decoding is written by hand on purpose: a generated {@code protobuf-java} parser builds a message
 * object per series, per label (two Strings) and per sample, where this hot path must allocate nothing per sample;
 * here labels stay byte ranges of the decompressed body and samples go straight into {@link StagedSamples}.
 * Unknown fields are skipped by wire type (forward compatible); metadata and exemplars are ignored; native
 * histograms cannot be float samples and are skipped and counted. Values keep their raw bits, so stale markers
 * ({@code 0x7ff0000000000002}) pass through. Labels are sorted here (senders should sort, not all do).
 * Every length is bounded by the bytes present, and the snappy-declared length by {@code max_body_bytes}.
 *
 * <p>Not thread-safe; one per event loop. The decompression buffer grows once to the largest body seen.
 */
public final class RemoteWriteDecoder {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_FIXED32 = 5;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    private final ParseLimits limits;
    private final SeriesKeyBuilder keyBuilder;
    private final RawSeriesCache seriesCache = new RawSeriesCache();
    private final StagingEstimate stagingEstimate = new StagingEstimate();
    private byte[] raw = new byte[64 * 1024];
    private int rawLength;
    private ParseError error;
    private int seriesIndex;
    // varint / tag scratch: set by readVarint and readTag
    private long varint;
    private int pos;

    /** A decoder bounded by {@code limits}. */
    public RemoteWriteDecoder(final ParseLimits limits) {
        this.limits = limits;
        this.keyBuilder = new SeriesKeyBuilder(limits);
    }

    /** The first problem of the last {@link ParseStatus#ERROR} decode. */
    public ParseError error() {
        return error;
    }

    /** Decompresses and decodes {@code length} bytes of snappy-compressed {@code b} at {@code offset}. */
    public ParseStatus decode(final byte[] b, final int offset, final int length, final StagedSamples out) {
        error = null;
        final int declared;
        try {
            declared = Snappy.uncompressedLength(b, offset, length);
        } catch (final IOException | RuntimeException e) {
            return fail(ParseError.NONE, null, "body is not snappy block format: " + e.getMessage());
        }
        if (declared < 0 || declared > limits.maxBodyBytes()) {
            return fail(ParseError.NONE, null, "decompressed body too large: got " + declared
                + " bytes; want <= " + limits.maxBodyBytes());
        }
        if (raw.length < declared) {
            raw = new byte[Math.max(declared, raw.length * 2)];
        }
        try {
            rawLength = Snappy.uncompress(b, offset, length, raw, 0);
        } catch (final IOException | RuntimeException e) {
            return fail(ParseError.NONE, null, "body is not snappy block format: " + e.getMessage());
        }
        return decodeProtobuf(raw, 0, rawLength, out);
    }

    /** Decodes an uncompressed {@code WriteRequest} (exposed for tests and for callers that inflate elsewhere). */
    public ParseStatus decodeProtobuf(final byte[] b, final int offset, final int length, final StagedSamples out) {
        error = null;
        seriesIndex = 0;
        pos = offset;
        final int end = offset + length;
        stagingEstimate.reserve(out, length);
        while (pos < end) {
            if (!readVarint(b, end)) {
                return fail(seriesIndex, null, "truncated field tag in WriteRequest");
            }
            final int field = (int) (varint >>> 3);
            final int wire = (int) (varint & 7);
            if (field == 1 && wire == WIRE_LEN) {
                if (!readVarint(b, end) || varint < 0 || varint > end - pos) {
                    return fail(seriesIndex, "timeseries[" + seriesIndex + "]", "bad length");
                }
                final int at = pos;
                final int seriesEnd = pos + (int) varint;
                if (!decodeSeries(b, at, seriesEnd, out)) {
                    return ParseStatus.ERROR;
                }
                pos = seriesEnd;
                seriesIndex++;
            } else if (!skip(b, wire, end)) {
                return fail(seriesIndex, "field " + field, "cannot skip field with wire type " + wire);
            }
        }
        stagingEstimate.learn(out, length);
        return ParseStatus.COMPLETE;
    }

    private boolean decodeSeries(final byte[] b, final int start, final int end, final StagedSamples out) {
        final int labelsEnd = leadingLabelsEnd(b, start, end);
        final long rawHash = labelsEnd > start ? RawSeriesCache.hash(b, start, labelsEnd - start) : 0;
        final boolean known = labelsEnd > start && seriesCache.find(rawHash, b, start, labelsEnd - start);
        if (known) {
            // a series this event loop already checked and keyed: copy its key and stage its samples in one pass
            // over the fields after its labels (a second pass only to check them was ~9 % of the decode in JFR)
            out.mark();
            final int keyAt = out.keys().writerIndex();
            out.addSeries(seriesCache.keyBytes(), seriesCache.keyAt(), seriesCache.keyLength(),
                seriesCache.keyHash());
            if (stageSamples(b, labelsEnd, end, out, keyAt, false)) {
                return true;
            }
            // a late label, a malformed field or a bad sample: undo the series and let the checking path, which
            // checks labels and structure before samples, find and report the first problem as it always has
            out.rollBack();
            error = null;
        }
        keyBuilder.begin(b);
        boolean hasName = false;
        boolean lateLabel = false;
        int labelIndex = 0;
        pos = start;
        while (pos < end) {
            if (!readVarint(b, end)) {
                return failed(seriesIndex, "timeseries[" + seriesIndex + "]", "truncated field tag");
            }
            final int field = (int) (varint >>> 3);
            final int wire = (int) (varint & 7);
            if (field == 1 && wire == WIRE_LEN) {
                lateLabel |= pos > labelsEnd;
                if (!readVarint(b, end) || varint < 0 || varint > end - pos) {
                    return failed(seriesIndex, labelField(labelIndex), "bad length");
                }
                final int labelEnd = pos + (int) varint;
                final int status = decodeLabel(b, labelEnd, labelIndex);
                if (status < 0) {
                    return false;
                }
                hasName |= status == 1;
                pos = labelEnd;
                labelIndex++;
            } else if (!skip(b, wire, end)) {
                return failed(seriesIndex, "timeseries[" + seriesIndex + "]", "cannot skip field " + field
                    + " with wire type " + wire);
            }
        }
        if (!hasName) {
            return failed(seriesIndex, "timeseries[" + seriesIndex + "].labels", "missing __name__ label");
        }
        final int keyAt = out.keys().writerIndex();
        if (keyBuilder.finish(out) != SeriesKeyBuilder.OK) {
            final int d = keyBuilder.duplicateLabel();
            return failed(seriesIndex, labelField(d) + ".name", "duplicate label name \""
                + new String(b, keyBuilder.nameOffset(d), keyBuilder.nameLength(d), StandardCharsets.UTF_8) + "\"");
        }
        if (!known && !lateLabel && labelsEnd > start) {
            seriesCache.put(rawHash, b, start, labelsEnd - start, out.keys(), keyAt, out.keys().writerIndex() - keyAt,
                out.seriesHash());
        }
        return stageSamples(b, start, end, out, keyAt, true);
    }

    /**
     * Stages the samples of the TimeSeries at {@code [from, end)}; drops the series key when none is staged. False
     * on a malformed field, on a {@code Label} unless {@code labelsSeen} (they were checked), or on a bad sample
     * (then {@link #error} says which).
     */
    private boolean stageSamples(final byte[] b, final int from, final int end, final StagedSamples out,
                                 final int keyAt, final boolean labelsSeen) {
        final int staged = out.sampleCount();
        if (!decodeSamples(b, from, end, out, labelsSeen)) {
            return false;
        }
        if (out.sampleCount() == staged) {
            out.discardSeries(keyAt);
        }
        return true;
    }

    /**
     * The end of the leading run of well-formed {@code Label} fields of the TimeSeries at {@code [start, end)}:
     * the raw bytes {@link RawSeriesCache} is keyed by; {@code start} when there are none. Leaves {@link #pos}.
     */
    private int leadingLabelsEnd(final byte[] b, final int start, final int end) {
        pos = start;
        int labelsEnd = start;
        while (pos < end && readVarint(b, end) && varint == (1 << 3 | WIRE_LEN)) {
            if (!readVarint(b, end) || varint < 0 || varint > end - pos) {
                break;
            }
            pos += (int) varint;
            labelsEnd = pos;
        }
        return labelsEnd;
    }

    /** Decodes one Label at {@code pos}; returns 1 for {@code __name__}, 0 for another label, -1 on error. */
    private int decodeLabel(final byte[] b, final int end, final int labelIndex) {
        int nameAt = -1;
        int nameLength = 0;
        int valueAt = pos;
        int valueLength = 0;
        while (pos < end) {
            if (!readVarint(b, end)) {
                failed(seriesIndex, labelField(labelIndex), "truncated field tag");
                return -1;
            }
            final int field = (int) (varint >>> 3);
            final int wire = (int) (varint & 7);
            if ((field == 1 || field == 2) && wire == WIRE_LEN) {
                if (!readVarint(b, end) || varint < 0 || varint > end - pos) {
                    failed(seriesIndex, labelField(labelIndex), "bad string length");
                    return -1;
                }
                if (field == 1) {
                    nameAt = pos;
                    nameLength = (int) varint;
                } else {
                    valueAt = pos;
                    valueLength = (int) varint;
                }
                pos += (int) varint;
            } else if (!skip(b, wire, end)) {
                failed(seriesIndex, labelField(labelIndex), "cannot skip field " + field);
                return -1;
            }
        }
        return checkLabel(b, nameAt, nameLength, valueAt, valueLength, labelIndex);
    }

    private int checkLabel(final byte[] b, final int nameAt, final int nameLength, final int valueAt,
                           final int valueLength, final int labelIndex) {
        if (nameAt < 0 || nameLength == 0) {
            failed(seriesIndex, labelField(labelIndex) + ".name", "empty label name");
            return -1;
        }
        final boolean isName = NameRules.isMetricNameLabel(b, nameAt, nameLength);
        if (!isName) {
            final int bad = NameRules.checkLabelName(b, nameAt, nameLength);
            if (bad != NameRules.VALID) {
                failed(seriesIndex, labelField(labelIndex) + ".name", "invalid character "
                    + NameRules.describe(b[nameAt + bad]) + " in label name \"" + text(b, nameAt, nameLength)
                    + "\"; want [a-zA-Z_][a-zA-Z0-9_]*");
                return -1;
            }
            if (NameRules.isReserved(b, nameAt, nameLength)) {
                failed(seriesIndex, labelField(labelIndex) + ".name",
                    "label names starting with __ are reserved: got \"" + text(b, nameAt, nameLength) + "\"");
                return -1;
            }
        } else {
            final int bad = NameRules.checkMetricName(b, valueAt, valueLength);
            if (bad != NameRules.VALID) {
                failed(seriesIndex, labelField(labelIndex) + ".value", "invalid metric name \""
                    + text(b, valueAt, valueLength) + "\"; want [a-zA-Z_:][a-zA-Z0-9_:]*");
                return -1;
            }
        }
        if (!isName && !NameRules.isValidUtf8(b, valueAt, valueLength)) {
            failed(seriesIndex, labelField(labelIndex) + ".value", "label value is not valid UTF-8");
            return -1;
        }
        final int status = keyBuilder.add(nameAt, nameLength, valueAt, valueLength);
        if (status != SeriesKeyBuilder.OK) {
            failed(seriesIndex, labelField(labelIndex), switch (status) {
                case SeriesKeyBuilder.NAME_TOO_LONG -> "label name too long: got " + nameLength + " bytes; want <= "
                    + limits.maxLabelNameLength();
                case SeriesKeyBuilder.VALUE_TOO_LONG -> "label value too long: got " + valueLength
                    + " bytes; want <= " + limits.maxLabelValueLength();
                default -> "too many labels: want <= " + limits.maxLabelsPerSeries();
            });
            return -1;
        }
        return isName ? 1 : 0;
    }

    /**
     * Stages the samples (field 2) of the TimeSeries fields at {@code [start, end)} and counts its histograms
     * (field 4); false on a malformed field, a {@code Label} (field 1) unless {@code labelsSeen}, or a bad sample.
     */
    private boolean decodeSamples(final byte[] b, final int start, final int end, final StagedSamples out,
                                  final boolean labelsSeen) {
        pos = start;
        int sampleIndex = 0;
        while (pos < end) {
            if (!readVarint(b, end)) {
                return false;
            }
            final int field = (int) (varint >>> 3);
            final int wire = (int) (varint & 7);
            if (field == 2 && wire == WIRE_LEN) {
                if (!readVarint(b, end) || varint < 0 || varint > end - pos) {
                    return false;
                }
                final int sampleEnd = pos + (int) varint;
                if (!decodeSample(b, sampleEnd, sampleIndex, out)) {
                    return false;
                }
                pos = sampleEnd;
                sampleIndex++;
            } else if (field == 1 && !labelsSeen) {
                return false;
            } else {
                if (field == 4 && wire == WIRE_LEN) {
                    out.skipValue();
                }
                if (!skip(b, wire, end)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean decodeSample(final byte[] b, final int end, final int sampleIndex, final StagedSamples out) {
        long valueBits = 0;
        long timestampMs = 0;
        while (pos < end) {
            if (!readVarint(b, end)) {
                return failed(seriesIndex, sampleField(sampleIndex), "truncated field tag");
            }
            final int field = (int) (varint >>> 3);
            final int wire = (int) (varint & 7);
            if (field == 1 && wire == WIRE_FIXED64) {
                if (end - pos < 8) {
                    return failed(seriesIndex, sampleField(sampleIndex) + ".value", "truncated double");
                }
                valueBits = fixed64(b, pos);
                pos += 8;
            } else if (field == 2 && wire == WIRE_VARINT) {
                if (!readVarint(b, end)) {
                    return failed(seriesIndex, sampleField(sampleIndex) + ".timestamp", "truncated varint");
                }
                timestampMs = varint;
            } else if (!skip(b, wire, end)) {
                return failed(seriesIndex, sampleField(sampleIndex), "cannot skip field " + field);
            }
        }
        if (!out.addSample(timestampMs, valueBits)) {
            return failed(seriesIndex, sampleField(sampleIndex), "too many samples in one request: want <= "
                + out.maxSamples());
        }
        return true;
    }

    /** A protobuf fixed64 (little-endian): one load, where eight byte loads were ~20 % of the decode in JFR. */
    private static long fixed64(final byte[] b, final int at) {
        return (long) LONG_LE.get(b, at);
    }

    /** Reads a base-128 varint at {@code pos} into {@link #varint}; false when truncated or longer than 10 bytes. */
    private boolean readVarint(final byte[] b, final int end) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                return false;
            }
            final byte c = b[pos++];
            v |= (long) (c & 0x7f) << shift;
            if (c >= 0) {
                varint = v;
                return true;
            }
        }
        return false;
    }

    private boolean skip(final byte[] b, final int wire, final int end) {
        switch (wire) {
            case WIRE_VARINT:
                return readVarint(b, end);
            case WIRE_FIXED64:
                if (end - pos < 8) {
                    return false;
                }
                pos += 8;
                return true;
            case WIRE_LEN:
                if (!readVarint(b, end) || varint < 0 || varint > end - pos) {
                    return false;
                }
                pos += (int) varint;
                return true;
            case WIRE_FIXED32:
                if (end - pos < 4) {
                    return false;
                }
                pos += 4;
                return true;
            default:
                return false;
        }
    }

    private String labelField(final int labelIndex) {
        return "timeseries[" + seriesIndex + "].labels[" + labelIndex + "]";
    }

    private String sampleField(final int sampleIndex) {
        return "timeseries[" + seriesIndex + "].samples[" + sampleIndex + "]";
    }

    private static String text(final byte[] b, final int at, final int length) {
        return new String(b, at, Math.min(length, 128), StandardCharsets.UTF_8);
    }

    private ParseStatus fail(final int index, final String field, final String reason) {
        error = new ParseError(index, ParseError.NONE, field, reason);
        return ParseStatus.ERROR;
    }

    private boolean failed(final int index, final String field, final String reason) {
        fail(index, field, reason);
        return false;
    }
}
