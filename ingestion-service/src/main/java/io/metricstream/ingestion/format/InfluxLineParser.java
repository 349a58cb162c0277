package io.metricstream.ingestion.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses Influx line protocol into staged samples without allocating per line or per sample.
 * <pre>
 *   measurement[,tag=value...] field=value[,field=value...] [timestamp]
 * </pre>
 * <ul>
 *   <li>Escapes: a backslash before {@code , = space \} stands for that character in measurements, tag keys, tag
 *       values and field keys; before anything else it is a literal backslash.</li>
 *   <li>Each numeric field {@code f} of measurement {@code m} becomes series {@code m_f} (or {@code m} with
 *       {@code influx_skip_single_field} when the line has one field); tags become labels.</li>
 *   <li>Values: floats ({@code 1}, {@code -1.5e3}, {@code .5}), integers {@code 12i}, unsigned {@code 12u}, booleans
 *       {@code t T true True TRUE f F false False FALSE} (1 / 0). Quoted string fields cannot be float samples: they
 *       are skipped and counted ({@code ingestion_samples_rejected_total{reason="string_field"}}), the line's other
 *       fields are kept — as Influx stores them in a separate field, not as an error.</li>
 *   <li>Timestamp: integer in the request's precision (default ns), floored to ms; missing = the request's
 *       arrival time.</li>
 *   <li>Names: {@code '.'} and {@code '-'} become {@code '_'} ({@link NameRules}); any other character outside the
 *       Prometheus rules is a 400 naming the line and field. Tag values must be non-empty valid UTF-8.</li>
 *   <li>Blank lines and {@code #} comment lines are skipped; {@code \r\n} line ends are accepted.</li>
 * </ul>
 * The first problem stops the parse with {@link ParseStatus#ERROR}; {@link #error()} names line and field.
 *
 * <p>Known series skip the label path: a {@link RawSeriesCache} that lives as long as the parser (one per event
 * loop, across requests) maps a line's raw {@code measurement,tags} bytes, field key (both as sent) and naming flag
 * to the series key they built, so a hit costs a hash and a compare instead of tokenising, unescaping, validating,
 * sorting and hashing the labels. The series bytes are hashed while their end is scanned for, and compared where
 * they are in the body. Only series that passed every check are put, and the limits are final, so a hit never lets
 * an invalid series through. The first hit of a series in a body copies its key into the staging; later hits in
 * the same body reuse that staged key (and its ordinal and partition). Before the cache lived across requests it
 * lived for one body: ParseBench on the peers data set, 5,000-line bodies, 363 → 225 ns per sample.
 *
 * <p>Not thread-safe; one per event loop. Scratch arrays grow once to the largest line seen.
 */
public final class InfluxLineParser {
    private static final byte[] NAME_LABEL = {'_', '_', 'n', 'a', 'm', 'e', '_', '_'};
    private static final int NAME_LABEL_LENGTH = NAME_LABEL.length;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
        ByteOrder.LITTLE_ENDIAN);
    // a cache entry's raw bytes: raw series bytes, field key as sent, int32 raw length, naming flag (the length
    // makes it unambiguous); a probe holds all but the series bytes, which are compared where they are, in the body
    private static final int PROBE_TRAILER = Integer.BYTES + 1;
    private static final long HASH_K1 = 0x9E3779B97F4A7C15L;
    private static final long HASH_K2 = 0xFF51AFD7ED558CCDL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final int MEASUREMENT = 0;
    private static final int KEY = 1;
    private static final int TAG_VALUE = 2;

    private final ParseLimits limits;
    private final boolean skipSingleField;
    private final SeriesKeyBuilder keyBuilder;
    private final NumberParser numbers = new NumberParser();
    private final RawSeriesCache cache = new RawSeriesCache();
    private final StagingEstimate stagingEstimate = new StagingEstimate();
    // per cache slot, where this body staged the slot's key: valid only while stagedIn[slot] == bodyGeneration
    private final int[] stagedIn = new int[RawSeriesCache.SLOTS];
    private final int[] stagedKeyAt = new int[RawSeriesCache.SLOTS];
    private final int[] stagedPartition = new int[RawSeriesCache.SLOTS];
    private final int[] stagedOrdinal = new int[RawSeriesCache.SLOTS];
    private int bodyGeneration;
    private byte[] probe = new byte[256];
    private byte[] entry = new byte[256];
    private int probeRawAt;
    private int probeRawLength;
    // hash state over the line's raw series bytes, taken by scanSeriesEnd while it scans them
    private long rawHash;
    private int[] hitSlot = new int[16];
    private int[] hitKeyAt = new int[16];
    private int[] hitKeyLength = new int[16];
    private long[] hitKeyHash = new long[16];
    private int rawSeriesAt;
    private int rawSeriesLength;
    private byte[] arena = new byte[4096];
    private int arenaPos;
    private final int[] tagKeyAt;
    private final int[] tagKeyLength;
    private final int[] tagValueAt;
    private final int[] tagValueLength;
    private int tagCount;
    private int[] fieldKeyAt = new int[16];
    private int[] fieldKeyLength = new int[16];
    // where each field key is in the body, as sent (escapes and all): what cache entries are keyed by
    private int[] fieldRawAt = new int[16];
    private int[] fieldRawLength = new int[16];
    private long[] fieldBits = new long[16];
    private boolean[] fieldIsString = new boolean[16];
    private int fieldCount;
    private byte[] body;
    private int pos;
    private int end;
    private int lineNumber;
    private int tokenLength;
    private long timestampMs;
    private ParseError error;

    /** A parser bounded by {@code limits}; {@code skipSingleField} names one-field lines after the measurement. */
    public InfluxLineParser(final ParseLimits limits, final boolean skipSingleField) {
        this.limits = limits;
        this.skipSingleField = skipSingleField;
        this.keyBuilder = new SeriesKeyBuilder(limits);
        final int maxTags = limits.maxLabelsPerSeries();
        tagKeyAt = new int[maxTags];
        tagKeyLength = new int[maxTags];
        tagValueAt = new int[maxTags];
        tagValueLength = new int[maxTags];
        System.arraycopy(NAME_LABEL, 0, arena, 0, NAME_LABEL_LENGTH);
    }

    /** The first problem of the last {@link ParseStatus#ERROR} parse. */
    public ParseError error() {
        return error;
    }

    /**
     * Parses {@code length} bytes of {@code b} at {@code offset} into {@code out}; {@code nowMs} stamps lines
     * without a timestamp.
     */
    public ParseStatus parse(final byte[] b, final int offset, final int length, final InfluxPrecision precision,
                             final long nowMs, final StagedSamples out) {
        body = b;
        pos = offset;
        end = offset + length;
        lineNumber = 1;
        error = null;
        if (++bodyGeneration == 0) {
            Arrays.fill(stagedIn, 0);
            bodyGeneration = 1;
        }
        stagingEstimate.reserve(out, length);
        while (pos < end) {
            final byte c = body[pos];
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\n') {
                pos++;
                lineNumber++;
            } else if (c == '#') {
                while (pos < end && body[pos] != '\n') {
                    pos++;
                }
            } else {
                if (!parseLine(precision, nowMs, out)) {
                    body = null;
                    return ParseStatus.ERROR;
                }
            }
        }
        body = null;
        stagingEstimate.learn(out, length);
        return ParseStatus.COMPLETE;
    }

    private boolean parseLine(final InfluxPrecision precision, final long nowMs, final StagedSamples out) {
        final int lineAt = pos;
        final int rawEnd = scanSeriesEnd(lineAt);
        rawSeriesLength = -1;
        if (rawEnd < end && body[rawEnd] == ' ' && rawEnd - lineAt <= RawSeriesCache.MAX_ENTRY_BYTES) {
            final int line = lineNumber;
            final int cached = tryCached(lineAt, rawEnd, precision, nowMs, out);
            if (cached != 0) {
                return cached > 0;
            }
            pos = lineAt;
            lineNumber = line;
            error = null;
            rawSeriesAt = lineAt;
            rawSeriesLength = rawEnd - lineAt;
        }
        arenaPos = NAME_LABEL_LENGTH;
        tagCount = 0;
        fieldCount = 0;
        final int measurementAt = token(MEASUREMENT);
        final int measurementLength = tokenLength;
        if (measurementLength == 0) {
            return fail("measurement", "empty measurement name");
        }
        NameRules.convertInfluxName(arena, measurementAt, measurementLength);
        while (pos < end && body[pos] == ',') {
            pos++;
            if (!parseTag()) {
                return false;
            }
        }
        if (pos >= end || body[pos] != ' ') {
            return fail(null, "missing fields: got " + describeHere() + "; want ' ' then field=value");
        }
        if (pos != rawSeriesAt + rawSeriesLength) {
            rawSeriesLength = -1;
        }
        skipSpaces();
        if (!parseFields()) {
            return false;
        }
        if (!parseTimestamp(precision, nowMs)) {
            return false;
        }
        return emit(measurementAt, measurementLength, out);
    }

    /**
     * End of the raw {@code measurement,tags} text from {@code from}: its first unescaped space or newline. Skips
     * eight bytes at a time while a word holds none of space, newline and backslash (SWAR: this scan was 9% of a
     * 5,000-line body's parse in ParseBench's profile, one byte per step).
     */
    private int scanSeriesEnd(final int from) {
        // the words and bytes hashed depend only on the bytes scanned, so equal series text hashes equal; two lanes
        // taking turns halve the chain of dependent multiplies the cache probe waits for
        long h = HASH_K1;
        long g = HASH_K2;
        int i = from;
        while (i < end) {
            while (i + Long.BYTES <= end) {
                final long w = (long) LONG_LE.get(body, i);
                final long stops = hasByte(w, ' ' * ONES) | hasByte(w, '\n' * ONES) | hasByte(w, '\\' * ONES);
                if (stops != 0) {
                    // the lowest flagged byte is a real match (the borrow only flags bytes above one)
                    final int k = Long.numberOfTrailingZeros(stops) >>> 3;
                    if (k > 0) {
                        final long t = mix(h, w & -1L >>> (Long.SIZE - k * Byte.SIZE));
                        h = g;
                        g = t;
                    }
                    i += k;
                    break;
                }
                final long t = mix(h, w);
                h = g;
                g = t;
                i += Long.BYTES;
            }
            if (i >= end) {
                break;
            }
            final byte c = body[i];
            if (c == '\\' && i + 1 < end && isEscapable(body[i + 1])) {
                h = mix(h, c | body[i + 1] << Byte.SIZE);
                i += 2;
                continue;
            }
            if (c == ' ' || c == '\n') {
                rawHash = h ^ Long.rotateLeft(g, 32);
                return i;
            }
            h = mix(h, c & 0xFF);
            i++;
        }
        rawHash = h ^ Long.rotateLeft(g, 32);
        return end;
    }

    private static long mix(final long h, final long w) {
        return Long.rotateLeft((h ^ w) * HASH_K1, 29);
    }

    /** The cache hash of the line's series bytes ({@link #rawHash}) followed by the {@code n} probe bytes. */
    private long probeHash(final int n) {
        long h = rawHash;
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            h = mix(h, (long) LONG_LE.get(probe, i));
        }
        long w = 0;
        for (int k = n - 1; k >= i; k--) {
            w = w << Byte.SIZE | probe[k] & 0xFF;
        }
        h = mix(h, w ^ (long) n << 48);
        h = (h ^ h >>> 33) * HASH_K2;
        return h ^ h >>> 33;
    }

    /**
     * The fast path for known series: parses only fields and timestamp and stages the cached keys. Returns 1 when
     * the line was staged, -1 on an error that the full path would report the same way (too many samples), 0 to
     * take the full path (a miss, or any problem, which the full path then reports in line order).
     */
    private int tryCached(final int lineAt, final int rawEnd, final InfluxPrecision precision, final long nowMs,
                          final StagedSamples out) {
        probeRawAt = lineAt;
        probeRawLength = rawEnd - lineAt;
        arenaPos = NAME_LABEL_LENGTH;
        fieldCount = 0;
        pos = rawEnd;
        skipSpaces();
        if (!parseRawFields() || !parseTimestamp(precision, nowMs)) {
            return 0;
        }
        final boolean bare = skipSingleField && fieldCount == 1;
        if (hitSlot.length < fieldCount) {
            hitSlot = new int[fieldKeyAt.length];
            hitKeyAt = new int[fieldKeyAt.length];
            hitKeyLength = new int[fieldKeyAt.length];
            hitKeyHash = new long[fieldKeyAt.length];
        }
        for (int f = 0; f < fieldCount; f++) {
            if (fieldIsString[f]) {
                continue;
            }
            final int n = probeField(f, bare);
            if (n < 0 || !cache.find(probeHash(n), body, probeRawAt, probeRawLength, probe, 0, n)) {
                return 0;
            }
            hitSlot[f] = cache.slot();
            hitKeyAt[f] = cache.keyAt();
            hitKeyLength[f] = cache.keyLength();
            hitKeyHash[f] = cache.keyHash();
        }
        for (int f = 0; f < fieldCount; f++) {
            if (fieldIsString[f]) {
                out.skipValue();
                continue;
            }
            final int slot = hitSlot[f];
            if (stagedIn[slot] == bodyGeneration) {
                out.reuseSeries(stagedKeyAt[slot], hitKeyLength[f], hitKeyHash[f], stagedPartition[slot],
                    stagedOrdinal[slot]);
            } else {
                out.addSeries(cache.keyBytes(), hitKeyAt[f], hitKeyLength[f], hitKeyHash[f]);
                remember(slot, out);
            }
            if (!out.addSample(timestampMs, fieldBits[f])) {
                fail(null, "too many samples in one request: want <= " + out.maxSamples());
                return -1;
            }
        }
        return 1;
    }

    /**
     * Writes the probe for field {@code f}, what follows the line's raw series bytes in a cache entry; returns its
     * length, or -1 when the entry would be too long to cache.
     */
    private int probeField(final int f, final boolean bare) {
        final int n = fieldRawLength[f] + PROBE_TRAILER;
        if (probeRawLength + n > RawSeriesCache.MAX_ENTRY_BYTES) {
            return -1;
        }
        if (probe.length < n) {
            probe = Arrays.copyOf(probe, Math.max(probe.length * 2, n));
        }
        System.arraycopy(body, fieldRawAt[f], probe, 0, fieldRawLength[f]);
        INT_LE.set(probe, n - PROBE_TRAILER, probeRawLength);
        probe[n - 1] = (byte) (bare ? 1 : 0);
        return n;
    }

    /** Notes where this body staged the key of cache slot {@code slot} (the staging's current series). */
    private void remember(final int slot, final StagedSamples out) {
        stagedIn[slot] = bodyGeneration;
        stagedKeyAt[slot] = out.seriesKeyAt();
        stagedPartition[slot] = out.seriesPartition();
        stagedOrdinal[slot] = out.seriesOrdinal();
    }

    /**
     * Caches the series just staged for field {@code f} of a line whose raw bytes are in the probe; a field
     * repeated in the line finds the entry its first occurrence put.
     */
    private void cacheSeries(final int f, final boolean bare, final StagedSamples out) {
        final int n = probeField(f, bare);
        if (n < 0) {
            return;
        }
        final long h = probeHash(n);
        if (!cache.find(h, body, probeRawAt, probeRawLength, probe, 0, n)) {
            final int length = probeRawLength + n;
            if (entry.length < length) {
                entry = new byte[Math.max(entry.length * 2, length)];
            }
            System.arraycopy(body, probeRawAt, entry, 0, probeRawLength);
            System.arraycopy(probe, 0, entry, probeRawLength, n);
            final int slot = cache.put(h, entry, 0, length, out.keys(), out.seriesKeyAt(), out.seriesKeyLength(),
                out.seriesHash());
            if (slot >= 0) {
                remember(slot, out);
            }
        }
    }

    private boolean parseTag() {
        final int keyAt = token(KEY);
        final int keyLength = tokenLength;
        if (keyLength == 0) {
            return fail("tag key", "empty tag key");
        }
        if (pos >= end || body[pos] != '=') {
            return fail("tag " + text(keyAt, keyLength), "missing '=': got " + describeHere() + "; want tag=value");
        }
        pos++;
        NameRules.convertInfluxName(arena, keyAt, keyLength);
        final int bad = NameRules.checkLabelName(arena, keyAt, keyLength);
        if (bad != NameRules.VALID) {
            return fail("tag " + text(keyAt, keyLength), "invalid character " + NameRules.describe(arena[keyAt + bad])
                + " in label name; want [a-zA-Z_][a-zA-Z0-9_]*");
        }
        if (NameRules.isReserved(arena, keyAt, keyLength)) {
            return fail("tag " + text(keyAt, keyLength), "label names starting with __ are reserved");
        }
        final int valueAt = token(TAG_VALUE);
        final int valueLength = tokenLength;
        if (valueLength == 0) {
            return fail("tag " + text(keyAt, keyLength), "empty tag value");
        }
        if (!NameRules.isValidUtf8(arena, valueAt, valueLength)) {
            return fail("tag " + text(keyAt, keyLength), "tag value is not valid UTF-8");
        }
        if (tagCount + 1 >= limits.maxLabelsPerSeries()) {
            return fail("tag " + text(keyAt, keyLength), "too many labels: got more than "
                + limits.maxLabelsPerSeries() + " (with __name__); want <= " + limits.maxLabelsPerSeries());
        }
        tagKeyAt[tagCount] = keyAt;
        tagKeyLength[tagCount] = keyLength;
        tagValueAt[tagCount] = valueAt;
        tagValueLength[tagCount] = valueLength;
        tagCount++;
        return true;
    }

    private boolean parseFields() {
        while (true) {
            final int rawAt = pos;
            final int keyAt = token(KEY);
            final int keyLength = tokenLength;
            if (keyLength == 0) {
                return fail("field key", "empty field key: got " + describeHere() + "; want field=value");
            }
            if (pos >= end || body[pos] != '=') {
                return fail("field " + text(keyAt, keyLength), "missing '=': got " + describeHere()
                    + "; want field=value");
            }
            pos++;
            NameRules.convertInfluxName(arena, keyAt, keyLength);
            if (fieldCount == fieldKeyAt.length) {
                growFields();
            }
            fieldKeyAt[fieldCount] = keyAt;
            fieldKeyLength[fieldCount] = keyLength;
            fieldRawAt[fieldCount] = rawAt;
            fieldRawLength[fieldCount] = pos - 1 - rawAt;
            final int next = fieldValue(keyAt, keyLength);
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    /**
     * The value of field {@code fieldCount} (key {@code keyAt}/{@code keyLength}, for errors) and what follows it:
     * 1 when another field follows, 0 at the end of the fields, -1 on an error.
     */
    private int fieldValue(final int keyAt, final int keyLength) {
        if (pos < end && body[pos] == '"') {
            if (!skipString(keyAt, keyLength)) {
                return -1;
            }
            fieldIsString[fieldCount] = true;
        } else {
            if (!parseFieldValue(keyAt, keyLength)) {
                return -1;
            }
            fieldIsString[fieldCount] = false;
        }
        fieldCount++;
        if (pos < end && body[pos] == ',') {
            pos++;
            return 1;
        }
        return 0;
    }

    /**
     * The fields of a line on the cached path: each key is only located in the body (the cache is keyed by its
     * bytes as sent, so a hit needs no unescaping, converting or copying of it); a key with a backslash, or any
     * problem, returns false for the full path to parse the line again and report it.
     */
    private boolean parseRawFields() {
        while (true) {
            final int keyAt = pos;
            int i = keyAt;
            while (i < end && body[i] != '=') {
                final byte c = body[i];
                if (c == '\\' || c == ',' || c == ' ' || c == '\n') {
                    return false;
                }
                i++;
            }
            if (i == keyAt || i >= end) {
                return false;
            }
            if (fieldCount == fieldKeyAt.length) {
                growFields();
            }
            fieldRawAt[fieldCount] = keyAt;
            fieldRawLength[fieldCount] = i - keyAt;
            pos = i + 1;
            // on a bad value this reports with an empty field name: the full path reports it properly
            final int next = fieldValue(0, 0);
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    private boolean skipString(final int keyAt, final int keyLength) {
        int i = pos + 1;
        int newlines = 0;
        while (i < end) {
            final byte c = body[i];
            if (c == '\\' && i + 1 < end) {
                i += 2;
                continue;
            }
            if (c == '"') {
                break;
            }
            if (c == '\n') {
                newlines++;
            }
            i++;
        }
        if (i >= end) {
            return fail("field " + text(keyAt, keyLength), "unterminated string value: want a closing '\"'");
        }
        pos = i + 1;
        lineNumber += newlines;
        return true;
    }

    private boolean parseFieldValue(final int keyAt, final int keyLength) {
        final int at = pos;
        final int simpleEnd = numbers.parseSimple(body, at, end);
        if (simpleEnd >= 0 && (simpleEnd == end || isValueEnd(body[simpleEnd]))) {
            fieldBits[fieldCount] = Double.doubleToRawLongBits(numbers.doubleValue());
            pos = simpleEnd;
            return true;
        }
        while (pos < end) {
            final byte c = body[pos];
            if (c == ',' || c == ' ' || c == '\n' || c == '\r') {
                break;
            }
            pos++;
        }
        final int length = pos - at;
        if (length == 0) {
            return fail("field " + text(keyAt, keyLength), "empty field value");
        }
        final byte last = body[at + length - 1];
        final double value;
        if (last == 'i' && numbers.parseLong(body, at, length - 1)) {
            value = (double) numbers.longValue();
        } else if (last == 'u' && numbers.parseUnsigned(body, at, length - 1)) {
            value = NumberParser.unsignedToDouble(numbers.longValue());
        } else if (isBoolean(at, length)) {
            value = body[at] == 't' || body[at] == 'T' ? 1.0 : 0.0;
        } else if (last != 'i' && last != 'u' && numbers.parseDouble(body, at, length)) {
            value = numbers.doubleValue();
        } else {
            return fail("field " + text(keyAt, keyLength), "bad value: got \""
                + new String(body, at, Math.min(length, 64), StandardCharsets.UTF_8)
                + "\"; want a float, an integer (12i), an unsigned (12u), a boolean (t/f) or a quoted string");
        }
        fieldBits[fieldCount] = Double.doubleToRawLongBits(value);
        return true;
    }

    private static boolean isValueEnd(final byte c) {
        return c == ',' || c == ' ' || c == '\n' || c == '\r';
    }

    private boolean isBoolean(final int at, final int length) {
        return switch (length) {
            case 1 -> body[at] == 't' || body[at] == 'T' || body[at] == 'f' || body[at] == 'F';
            case 4 -> matches(at, "true") || matches(at, "True") || matches(at, "TRUE");
            case 5 -> matches(at, "false") || matches(at, "False") || matches(at, "FALSE");
            default -> false;
        };
    }

    private boolean matches(final int at, final String word) {
        for (int i = 0; i < word.length(); i++) {
            if (body[at + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean parseTimestamp(final InfluxPrecision precision, final long nowMs) {
        skipSpaces();
        if (pos >= end || body[pos] == '\n' || body[pos] == '\r') {
            timestampMs = nowMs;
            return skipLineEnd();
        }
        final int at = pos;
        final int digitsEnd = numbers.parseDigits(body, at, end);
        if (digitsEnd >= 0 && (digitsEnd == end || body[digitsEnd] == ' ' || body[digitsEnd] == '\n'
            || body[digitsEnd] == '\r')) {
            pos = digitsEnd;
            final long ms = precision.toMillis(numbers.longValue());
            if (ms != Long.MIN_VALUE) {
                timestampMs = ms;
                skipSpaces();
                return skipLineEnd();
            }
            pos = at;
        }
        while (pos < end && body[pos] != ' ' && body[pos] != '\n' && body[pos] != '\r') {
            pos++;
        }
        if (!numbers.parseLong(body, at, pos - at)) {
            return fail("timestamp", "bad timestamp: got \"" + new String(body, at, Math.min(pos - at, 64),
                StandardCharsets.UTF_8) + "\"; want an integer in precision " + precision.name().toLowerCase(
                java.util.Locale.ROOT));
        }
        final long ms = precision.toMillis(numbers.longValue());
        if (ms == Long.MIN_VALUE) {
            return fail("timestamp", "timestamp out of range: got " + numbers.longValue() + " s");
        }
        timestampMs = ms;
        skipSpaces();
        return skipLineEnd();
    }

    private boolean skipLineEnd() {
        while (pos < end && body[pos] == '\r') {
            pos++;
        }
        if (pos < end && body[pos] != '\n') {
            return fail(null, "unexpected text after the timestamp: got " + describeHere() + "; want end of line");
        }
        return true;
    }

    private boolean emit(final int measurementAt, final int measurementLength, final StagedSamples out) {
        final boolean bare = skipSingleField && fieldCount == 1;
        for (int f = 0; f < fieldCount; f++) {
            if (fieldIsString[f]) {
                out.skipValue();
                continue;
            }
            final int nameAt = arenaPos;
            final int nameLength = measurementLength + (bare ? 0 : 1 + fieldKeyLength[f]);
            ensureArena(nameLength);
            System.arraycopy(arena, measurementAt, arena, nameAt, measurementLength);
            if (!bare) {
                arena[nameAt + measurementLength] = '_';
                System.arraycopy(arena, fieldKeyAt[f], arena, nameAt + measurementLength + 1, fieldKeyLength[f]);
            }
            final int bad = NameRules.checkMetricName(arena, nameAt, nameLength);
            if (bad != NameRules.VALID) {
                final String where = bad < measurementLength ? "measurement" : "field "
                    + text(fieldKeyAt[f], fieldKeyLength[f]);
                return fail(where, "invalid character " + NameRules.describe(arena[nameAt + bad]) + " in metric name \""
                    + text(nameAt, nameLength) + "\"; want [a-zA-Z_:][a-zA-Z0-9_:]*");
            }
            if (!stageSeries(nameAt, nameLength, f, out)) {
                return false;
            }
            if (rawSeriesLength > 0) {
                cacheSeries(f, bare, out);
            }
            arenaPos = nameAt;
        }
        return true;
    }

    private boolean stageSeries(final int nameAt, final int nameLength, final int f, final StagedSamples out) {
        keyBuilder.begin(arena);
        int status = keyBuilder.add(0, NAME_LABEL_LENGTH, nameAt, nameLength);
        if (status != SeriesKeyBuilder.OK) {
            return fail("field " + text(fieldKeyAt[f], fieldKeyLength[f]), "metric name too long: got " + nameLength
                + " bytes; want <= " + limits.maxLabelValueLength());
        }
        for (int t = 0; t < tagCount; t++) {
            status = keyBuilder.add(tagKeyAt[t], tagKeyLength[t], tagValueAt[t], tagValueLength[t]);
            if (status != SeriesKeyBuilder.OK) {
                return fail("tag " + text(tagKeyAt[t], tagKeyLength[t]), limitReason(status, tagKeyLength[t],
                    tagValueLength[t]));
            }
        }
        if (keyBuilder.finish(out) != SeriesKeyBuilder.OK) {
            final int d = keyBuilder.duplicateLabel();
            return fail("tag " + text(keyBuilder.nameOffset(d), keyBuilder.nameLength(d)), "duplicate tag key");
        }
        if (!out.addSample(timestampMs, fieldBits[f])) {
            return fail(null, "too many samples in one request: want <= " + out.maxSamples());
        }
        return true;
    }

    private String limitReason(final int status, final int nameLength, final int valueLength) {
        return switch (status) {
            case SeriesKeyBuilder.NAME_TOO_LONG -> "label name too long: got " + nameLength + " bytes; want <= "
                + limits.maxLabelNameLength();
            case SeriesKeyBuilder.VALUE_TOO_LONG -> "label value too long: got " + valueLength + " bytes; want <= "
                + limits.maxLabelValueLength();
            default -> "too many labels: want <= " + limits.maxLabelsPerSeries();
        };
    }

    /**
     * Scans a token of {@code kind} from {@code pos} to its first unescaped delimiter, copies it unescaped into the
     * arena and returns its arena offset ({@link #tokenLength} holds its length); {@code pos} stops at the
     * delimiter.
     */
    private int token(final int kind) {
        final int start = pos;
        int i = pos;
        while (i < end) {
            final byte c = body[i];
            if (c == '\\' && i + 1 < end && isEscapable(body[i + 1])) {
                i += 2;
                continue;
            }
            if (c == ',' || c == ' ' || c == '\n' || kind == KEY && c == '=') {
                break;
            }
            i++;
        }
        ensureArena(i - start);
        final int at = arenaPos;
        int o = at;
        for (int k = start; k < i; k++) {
            byte c = body[k];
            if (c == '\\' && k + 1 < i && isEscapable(body[k + 1])) {
                k++;
                c = body[k];
            }
            arena[o++] = c;
        }
        tokenLength = o - at;
        arenaPos = o;
        pos = i;
        return at;
    }

    /** High bit set in each byte of {@code word} equal to the byte repeated in {@code pattern} (lowest exact). */
    private static long hasByte(final long word, final long pattern) {
        final long x = word ^ pattern;
        return x - ONES & ~x & HIGHS;
    }

    private static boolean isEscapable(final byte c) {
        return c == ',' || c == ' ' || c == '=' || c == '\\';
    }

    private void ensureArena(final int extra) {
        if (arenaPos + extra > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaPos + extra));
        }
    }

    private void growFields() {
        final int n = fieldKeyAt.length * 2;
        fieldKeyAt = Arrays.copyOf(fieldKeyAt, n);
        fieldKeyLength = Arrays.copyOf(fieldKeyLength, n);
        fieldRawAt = Arrays.copyOf(fieldRawAt, n);
        fieldRawLength = Arrays.copyOf(fieldRawLength, n);
        fieldBits = Arrays.copyOf(fieldBits, n);
        fieldIsString = Arrays.copyOf(fieldIsString, n);
    }

    private void skipSpaces() {
        while (pos < end && body[pos] == ' ') {
            pos++;
        }
    }

    private String describeHere() {
        if (pos >= end || body[pos] == '\n') {
            return "end of line";
        }
        return NameRules.describe(body[pos]);
    }

    private String text(final int at, final int length) {
        return new String(arena, at, Math.min(length, 128), StandardCharsets.UTF_8);
    }

    private boolean fail(final String field, final String reason) {
        error = new ParseError(lineNumber - 1, lineNumber, field, reason);
        return false;
    }
}
