package io.metricstream.contracts.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.metricstream.contracts.model.LabelSet;
import io.metricstream.contracts.model.MetricNames;
import io.metricstream.contracts.model.Sample;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;

/**
 * The seed's JSON ingest format ({@code POST /metrics}), read with jackson-core's streaming {@link JsonParser}.
 *
 * <p><b>Body.</b> One object; an array of objects; or JSON lines: objects one after another at the top level,
 * separated by any whitespace (or none). An empty array is a body with no samples; an empty body is an error.
 * Each object is one sample:
 * <pre>
 * {"timestamp":"2025-09-17T13:45:23.123Z","name":"cpu_usage","value":75.5,"labels":{"host":"h1"},"client_id":"c1"}
 * </pre>
 * <ul>
 *   <li>{@code name} (required): a Prometheus metric name {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, at most
 *       {@link Limits#maxLabelValueLength} chars (it becomes the value of {@code __name__}).
 *   <li>{@code value} (required): a JSON number, or exactly one of the strings {@code "NaN"}, {@code "+Inf"},
 *       {@code "-Inf"}, {@code "Inf"} (as Prometheus's HTTP API writes them). Any other string is rejected, numeric
 *       ones like {@code "1.5"} included, although Prometheus's own parser takes them: a number travels as a
 *       number. Integers beyond 2^53 are rounded to the nearest double; numbers beyond the float64 range are
 *       rejected. NaN arrives as the canonical {@link Double#NaN}, so this format cannot carry a stale marker.
 *   <li>{@code timestamp} (optional): an ISO-8601 string with a zone ({@link IsoTimestamps}: {@code Z} or an
 *       offset such as {@code +02:00}; fraction digits down to nanoseconds, truncated to milliseconds); or a JSON
 *       integer of epoch milliseconds, negative allowed; or a JSON float of epoch milliseconds, truncated toward
 *       zero ({@code 1.758e12} works). Absent or {@code null} means the {@code nowMs} argument. Epoch seconds are
 *       not detected: {@code 1758116723} is January 1970.
 *   <li>{@code labels} (optional, {@code null} means none): an object of label name to string value. Names are
 *       valid label names {@code [a-zA-Z_][a-zA-Z0-9_]*}, unique and not reserved ({@code __} prefix; so
 *       {@code labels.__name__} is an error: the metric name goes in {@code name}). An empty value means the label
 *       is absent, as in Prometheus. Every entry counts toward {@link Limits#maxLabelsPerSeries}, empty ones too.
 *   <li>{@code client_id} (optional): a string of at most {@link Limits#maxLabelValueLength} chars; empty or
 *       {@code null} means absent.
 * </ul>
 * Any other field is an error naming it: a misspelt {@code "lables"} would otherwise drop data silently. A field
 * given twice is an error. Lengths count UTF-16 chars; strings with a lone surrogate (only expressible as a
 * {@code \ud800} escape) are rejected, as they have no UTF-8 form. jackson also auto-detects UTF-16/32 bodies by
 * their first bytes; the contract is UTF-8.
 *
 * <p><b>Errors and partial acceptance.</b> Parsing stops at the first problem and returns
 * {@link ParseStatus#ERROR}; {@link #error()} then holds index, line, field and reason. No exception escapes
 * {@code parse} for any body, malformed JSON included; exceptions thrown by the sink propagate. The sink has seen
 * the samples before the error, and what to do with them is the caller's decision: ingestion is all or nothing per
 * request. It buffers the samples (or parses twice, first with a counting sink) and enqueues only when the whole
 * body is {@link ParseStatus#COMPLETE}, so a 400 means nothing was written and the producer resends the fixed body
 * whole. VictoriaMetrics and InfluxDB differ: they keep the valid lines and report the rest.
 *
 * <p><b>Hot path.</b> One {@link JsonParser} per body; field and label names come from jackson's symbol table;
 * metric names, label values and client ids that repeat come from a small {@link StringCache}; numbers and ISO
 * timestamps are read from jackson's char buffer. A body of repeating series allocates close to nothing per sample.
 *
 * <p>Not thread-safe: one instance per thread (event loop). The shared {@link JsonFactory} is thread-safe.
 */
public final class SeedJsonCodec {
    /**
     * Deepest nesting a valid body has is 3 (array, object, labels); the parser stops at the first value of the
     * wrong type, so this bound is a backstop that keeps jackson from ever tracking deep garbage.
     */
    private static final int MAX_NESTING_DEPTH = 8;

    /** The factory behind every parser and generator of this package; thread-safe. */
    static final JsonFactory JSON_FACTORY = new JsonFactoryBuilder()
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
        .rootValueSeparator("\n")
        .build();

    private static final int TIMESTAMP = 1;
    private static final int NAME = 1 << 1;
    private static final int VALUE = 1 << 2;
    private static final int LABELS = 1 << 3;
    private static final int CLIENT_ID = 1 << 4;
    private static final String KNOWN_FIELDS = "timestamp, name, value, labels or client_id";
    /** User text quoted in a reason is cut to this many chars. */
    private static final int MAX_QUOTED_LENGTH = 64;
    /** jackson's messages are cut to this many chars. */
    private static final int MAX_DETAIL_LENGTH = 160;
    private static final double TWO_POW_63 = 0x1p63;
    /** Where jackson's messages turn from the problem to its own location and settings: cut there. */
    private static final String[] JACKSON_NOTES = {" (start marker at", " (for ", ": enable `", ", from `"};

    // Set at construction; the scratch labels and string cache are reused by every parse.
    private final Limits limits;
    private final MutableLabels labels = new MutableLabels();
    private final StringCache strings = new StringCache();

    // Result of the last parse.
    private ParseError error;
    private int sampleCount;

    // The object being read; meaningful only inside parse.
    private int index;
    private String name;
    private double value;
    private long timestampMs;
    private String clientId;

    /** A codec enforcing {@code limits}. */
    public SeedJsonCodec(final Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The limits this codec enforces. */
    public Limits limits() {
        return limits;
    }

    /**
     * Parses {@code length} bytes at {@code offset}, reporting each valid sample to {@code sink} in body order.
     *
     * @param nowMs the timestamp of samples without one
     * @return {@link ParseStatus#COMPLETE}, or {@link ParseStatus#ERROR} with {@link #error()} set
     */
    public ParseStatus parse(final byte[] body, final int offset, final int length, final long nowMs,
                             final SampleSink sink) {
        Objects.checkFromIndexSize(offset, length, body.length);
        return parse(body, offset, length, null, nowMs, sink);
    }

    /**
     * Parses the readable bytes of {@code body} (heap buffers in place, others through a stream); leaves its
     * indices and reference count alone.
     *
     * @param nowMs the timestamp of samples without one
     * @return {@link ParseStatus#COMPLETE}, or {@link ParseStatus#ERROR} with {@link #error()} set
     */
    public ParseStatus parse(final ByteBuf body, final long nowMs, final SampleSink sink) {
        if (body.hasArray()) {
            return parse(body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes(), nowMs, sink);
        }
        return parse(null, 0, 0, body, nowMs, sink);
    }

    /** Why the last {@code parse} returned {@link ParseStatus#ERROR}; {@code null} after a complete one. */
    public ParseError error() {
        return error;
    }

    /** Samples the last {@code parse} reported to its sink (before the error, if any). */
    public int sampleCount() {
        return sampleCount;
    }

    private ParseStatus parse(final byte[] array, final int offset, final int length, final ByteBuf buffer,
                              final long nowMs, final SampleSink sink) {
        Objects.requireNonNull(sink, "sink");
        error = null;
        sampleCount = 0;
        index = 0;
        JsonParser p = null;
        try {
            p = array != null
                ? JSON_FACTORY.createParser(array, offset, length)
                : JSON_FACTORY.createParser((InputStream) new ByteBufInputStream(buffer.duplicate()));
            return parseBody(p, nowMs, sink);
        } catch (final IOException e) {
            return malformed(e, p);
        } finally {
            labels.clear();
            name = null;
            clientId = null;
            closeQuietly(p);
        }
    }

    private ParseStatus parseBody(final JsonParser p, final long nowMs, final SampleSink sink) throws IOException {
        JsonToken token = p.nextToken();
        if (token == null) {
            return rejectBody(p, "got empty body; want an object, an array of objects or json lines");
        }
        if (token == JsonToken.START_ARRAY) {
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (!parseObject(p, token, nowMs, sink)) {
                    return ParseStatus.ERROR;
                }
            }
            if (p.nextToken() != null) {
                return rejectBody(p, "got content after the array; want end of body");
            }
            return ParseStatus.COMPLETE;
        }
        while (token != null) {
            if (!parseObject(p, token, nowMs, sink)) {
                return ParseStatus.ERROR;
            }
            token = p.nextToken();
        }
        return ParseStatus.COMPLETE;
    }

    /** Reads one object starting at {@code token} and reports it; returns false after recording an error. */
    private boolean parseObject(final JsonParser p, final JsonToken start, final long nowMs, final SampleSink sink)
        throws IOException {
        if (start != JsonToken.START_OBJECT) {
            return reject(p, null, "got " + describe(start, p) + "; want object");
        }
        if (index >= limits.maxSamplesPerRequest()) {
            final int max = limits.maxSamplesPerRequest();
            return reject(p, null, "got more than " + max + " samples; want <= " + max);
        }
        name = null;
        timestampMs = nowMs;
        clientId = null;
        labels.clear();
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            final int bit = fieldBit(field);
            if (bit == 0) {
                return reject(p, clip(field), "got unknown field; want " + KNOWN_FIELDS);
            }
            if ((seen & bit) != 0) {
                return reject(p, field, "got field twice; want it once");
            }
            seen |= bit;
            final JsonToken valueToken = p.nextToken();
            final boolean ok = switch (bit) {
                case TIMESTAMP -> readTimestamp(p, valueToken);
                case NAME -> readName(p, valueToken);
                case VALUE -> readValue(p, valueToken);
                case LABELS -> readLabels(p, valueToken);
                default -> readClientId(p, valueToken);
            };
            if (!ok) {
                return false;
            }
        }
        if ((seen & NAME) == 0) {
            return reject(p, "name", "got no name; want a metric name");
        }
        if ((seen & VALUE) == 0) {
            return reject(p, "value", "got no value; want a number");
        }
        sink.sample(name, labels, timestampMs, value, clientId);
        sampleCount++;
        index++;
        return true;
    }

    private static int fieldBit(final String field) {
        return switch (field) {
            case "timestamp" -> TIMESTAMP;
            case "name" -> NAME;
            case "value" -> VALUE;
            case "labels" -> LABELS;
            case "client_id" -> CLIENT_ID;
            default -> 0;
        };
    }

    private boolean readName(final JsonParser p, final JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            return reject(p, "name", "got " + describe(token, p) + "; want a metric name string");
        }
        final char[] chars = p.getTextCharacters();
        final int offset = p.getTextOffset();
        final int length = p.getTextLength();
        if (length > limits.maxLabelValueLength()) {
            return reject(p, "name", "got " + length + " chars; want <= " + limits.maxLabelValueLength());
        }
        final String s = strings.get(chars, offset, length);
        if (!MetricNames.isValidMetricName(s)) {
            return reject(p, "name", "got " + quote(s) + "; want a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        name = s;
        return true;
    }

    private boolean readValue(final JsonParser p, final JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            final double d = p.getDoubleValue();
            if (Double.isInfinite(d)) {
                return reject(p, "value", "got " + clip(p.getText()) + ", beyond float64; want a finite number or "
                    + "\"+Inf\" or \"-Inf\"");
            }
            value = d;
            return true;
        }
        if (token == JsonToken.VALUE_STRING) {
            final char[] chars = p.getTextCharacters();
            final int offset = p.getTextOffset();
            final int length = p.getTextLength();
            if (matches(chars, offset, length, "NaN")) {
                value = Double.NaN;
            } else if (matches(chars, offset, length, "+Inf") || matches(chars, offset, length, "Inf")) {
                value = Double.POSITIVE_INFINITY;
            } else if (matches(chars, offset, length, "-Inf")) {
                value = Double.NEGATIVE_INFINITY;
            } else {
                return reject(p, "value", "got string " + quote(p.getText())
                    + "; want a number or one of \"NaN\", \"+Inf\", \"-Inf\", \"Inf\"");
            }
            return true;
        }
        return reject(p, "value", "got " + describe(token, p) + "; want a number");
    }

    private boolean readTimestamp(final JsonParser p, final JsonToken token) throws IOException {
        if (token == null) {
            return reject(p, "timestamp", "got end of body; want an iso-8601 timestamp string or epoch ms");
        }
        switch (token) {
            case VALUE_STRING -> {
                final long ms = IsoTimestamps.parseMillis(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                if (ms == IsoTimestamps.INVALID) {
                    return reject(p, "timestamp", "got " + quote(p.getText())
                        + "; want an iso-8601 timestamp with zone like 2025-09-17T13:45:23.123Z, or epoch ms");
                }
                timestampMs = ms;
                return true;
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return reject(p, "timestamp", "got " + clip(p.getText()) + ", beyond int64; want epoch ms");
                }
                timestampMs = p.getLongValue();
                return true;
            }
            case VALUE_NUMBER_FLOAT -> {
                final double d = p.getDoubleValue();
                if (!(d >= -TWO_POW_63 && d < TWO_POW_63)) {
                    return reject(p, "timestamp", "got " + clip(p.getText()) + ", beyond int64; want epoch ms");
                }
                timestampMs = (long) d;
                return true;
            }
            case VALUE_NULL -> {
                return true;
            }
            default -> {
                return reject(p, "timestamp", "got " + describe(token, p)
                    + "; want an iso-8601 timestamp string or epoch ms");
            }
        }
    }

    private boolean readLabels(final JsonParser p, final JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return true;
        }
        if (token != JsonToken.START_OBJECT) {
            return reject(p, "labels", "got " + describe(token, p) + "; want an object of label name to string");
        }
        int count = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String label = p.currentName();
            if (++count > limits.maxLabelsPerSeries()) {
                final int max = limits.maxLabelsPerSeries();
                return reject(p, "labels", "got more than " + max + " labels; want <= " + max);
            }
            if (label.length() > limits.maxLabelNameLength()) {
                return reject(p, "labels." + clip(label), "got label name of " + label.length() + " chars; want <= "
                    + limits.maxLabelNameLength());
            }
            if (!MetricNames.isValidLabelName(label)) {
                return reject(p, "labels." + clip(label), "got invalid label name; want [a-zA-Z_][a-zA-Z0-9_]*");
            }
            if (MetricNames.METRIC_NAME_LABEL.equals(label)) {
                return reject(p, "labels." + label, "got reserved label __name__; want the metric name in \"name\"");
            }
            if (MetricNames.isReserved(label)) {
                return reject(p, "labels." + label, "got reserved label name (\"__\" prefix); want one without it");
            }
            final JsonToken valueToken = p.nextToken();
            if (valueToken != JsonToken.VALUE_STRING) {
                return reject(p, "labels." + label, "got " + describe(valueToken, p) + "; want a string");
            }
            final String s = readString(p, label);
            if (s == null) {
                return false;
            }
            labels.add(label, s);
        }
        final String duplicate = labels.sortAndCompact();
        if (duplicate != null) {
            return reject(p, "labels." + duplicate, "got label name twice; want it once");
        }
        return true;
    }

    private boolean readClientId(final JsonParser p, final JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return true;
        }
        if (token != JsonToken.VALUE_STRING) {
            return reject(p, "client_id", "got " + describe(token, p) + "; want a string");
        }
        final String s = readString(p, null);
        if (s == null) {
            return false;
        }
        clientId = s.isEmpty() ? null : s;
        return true;
    }

    /**
     * Reads the current string token, the value of {@code label} or, for a null label, the client id, within the
     * length limit and with no lone surrogate; returns it, or {@code null} after recording an error. The field path
     * is built only then: concatenating it per label was most of the per-sample allocation.
     */
    private String readString(final JsonParser p, final String label) throws IOException {
        final char[] chars = p.getTextCharacters();
        final int offset = p.getTextOffset();
        final int length = p.getTextLength();
        if (length > limits.maxLabelValueLength()) {
            reject(p, fieldOf(label), "got " + length + " chars; want <= " + limits.maxLabelValueLength());
            return null;
        }
        if (length == 0) {
            return "";
        }
        if (hasLoneSurrogate(chars, offset, length)) {
            reject(p, fieldOf(label), "got a lone utf-16 surrogate; want valid unicode");
            return null;
        }
        return strings.get(chars, offset, length);
    }

    private static String fieldOf(final String labelOrNull) {
        return labelOrNull == null ? "client_id" : "labels." + labelOrNull;
    }

    private static boolean hasLoneSurrogate(final char[] chars, final int offset, final int length) {
        final int end = offset + length;
        for (int i = offset; i < end; i++) {
            final char c = chars[i];
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(final char[] chars, final int offset, final int length, final String s) {
        if (length != s.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Records an error against the current object at the current token's line; returns false. */
    private boolean reject(final JsonParser p, final String field, final String reason) {
        error = new ParseError(index, lineOf(p), field, reason);
        return false;
    }

    private ParseStatus rejectBody(final JsonParser p, final String reason) {
        error = new ParseError(ParseError.NO_INDEX, lineOf(p), null, reason);
        return ParseStatus.ERROR;
    }

    private ParseStatus malformed(final IOException e, final JsonParser p) {
        int line = 0;
        String detail = e.getMessage();
        if (e instanceof JsonProcessingException jpe) {
            detail = jpe.getOriginalMessage();
            if (jpe.getLocation() != null) {
                line = jpe.getLocation().getLineNr();
            }
        }
        if (line <= 0 && p != null) {
            line = p.currentLocation().getLineNr();
        }
        error = new ParseError(index, Math.max(1, line), null, "got malformed json (" + tidy(detail)
            + "); want valid json");
        return ParseStatus.ERROR;
    }

    private static int lineOf(final JsonParser p) {
        return Math.max(1, p.currentTokenLocation().getLineNr());
    }

    /** jackson's message: first line only, without its notes on location and settings, lower-case, bounded. */
    private static String tidy(final String message) {
        if (message == null || message.isEmpty()) {
            return "unreadable input";
        }
        String s = message;
        final int newline = s.indexOf('\n');
        if (newline >= 0) {
            s = s.substring(0, newline);
        }
        for (final String marker : JACKSON_NOTES) {
            final int at = s.indexOf(marker);
            if (at >= 0) {
                s = s.substring(0, at);
            }
        }
        final StringBuilder sb = new StringBuilder(clip(s, MAX_DETAIL_LENGTH).toLowerCase(Locale.ROOT));
        int open = 0;
        for (int i = 0; i < sb.length(); i++) {
            open += sb.charAt(i) == '(' ? 1 : sb.charAt(i) == ')' ? -1 : 0;
        }
        while (open-- > 0) {
            sb.append(')');
        }
        return sb.isEmpty() ? "unreadable input" : sb.toString();
    }

    private static String describe(final JsonToken token, final JsonParser p) throws IOException {
        if (token == null) {
            return "end of body";
        }
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case END_OBJECT -> "end of object";
            case END_ARRAY -> "end of array";
            case VALUE_STRING -> "string " + quote(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + clip(p.getText());
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String clip(final String s) {
        return clip(s, MAX_QUOTED_LENGTH);
    }

    /** Cuts {@code s} to {@code max} chars plus "...", never between the halves of a surrogate pair. */
    private static String clip(final String s, final int max) {
        if (s.length() <= max) {
            return s;
        }
        final int cut = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, cut) + "...";
    }

    /** User text for a reason: clipped, in double quotes, quotes, backslashes and control chars escaped. */
    static String quote(final String s) {
        final String clipped = clip(s);
        final StringBuilder sb = new StringBuilder(clipped.length() + 2).append('"');
        for (int i = 0; i < clipped.length(); i++) {
            final char c = clipped.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !isPairedAt(clipped, i)) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static boolean isPairedAt(final String s, final int i) {
        final char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
            : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static void closeQuietly(final JsonParser p) {
        if (p == null) {
            return;
        }
        try {
            p.close();
        } catch (final IOException ignored) {
            // Nothing to release beyond jackson's buffers, which close() returns before it can fail.
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Encoder, for round-trip tests and the load generator.

    /** How {@link #writeSample} writes the timestamp. */
    public enum TimestampStyle {
        /** {@code "2025-09-17T13:45:23.123Z"} as the seed does; epoch ms for instants outside years 0000..9999. */
        ISO_8601,
        /** A JSON integer of epoch milliseconds. */
        EPOCH_MS
    }

    /** Writes {@code sample} as one object with an ISO-8601 timestamp and no client id. */
    public static void writeSample(final JsonGenerator gen, final Sample sample) throws IOException {
        writeSample(gen, sample, null, TimestampStyle.ISO_8601);
    }

    /**
     * Writes {@code sample} as one object: {@code timestamp, name, value, labels} (when there are labels besides
     * {@code __name__}) and {@code client_id} (when given). NaN (the stale marker included) and infinities are
     * written as {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"}. For JSON lines, give the generator a root value
     * separator of {@code "\n"}.
     *
     * @throws IllegalArgumentException when the sample has no {@code __name__}
     */
    public static void writeSample(final JsonGenerator gen, final Sample sample, final String clientIdOrNull,
                                   final TimestampStyle style) throws IOException {
        final LabelSet labels = sample.labels();
        final String metricName = requireMetricName(labels);
        gen.writeStartObject();
        gen.writeFieldName("timestamp");
        final long ts = sample.timestampMs();
        if (style == TimestampStyle.ISO_8601 && IsoTimestamps.isFormattable(ts)) {
            final char[] chars = new char[IsoTimestamps.FORMATTED_LENGTH];
            IsoTimestamps.format(ts, chars, 0);
            gen.writeString(chars, 0, chars.length);
        } else {
            gen.writeNumber(ts);
        }
        gen.writeStringField("name", metricName);
        gen.writeFieldName("value");
        final String special = specialValue(sample.value());
        if (special != null) {
            gen.writeString(special);
        } else {
            gen.writeNumber(sample.value());
        }
        if (labels.size() > 1) {
            gen.writeFieldName("labels");
            gen.writeStartObject();
            for (int i = 0; i < labels.size(); i++) {
                if (!labels.name(i).equals(MetricNames.METRIC_NAME_LABEL)) {
                    gen.writeStringField(labels.name(i), labels.value(i));
                }
            }
            gen.writeEndObject();
        }
        if (clientIdOrNull != null) {
            gen.writeStringField("client_id", clientIdOrNull);
        }
        gen.writeEndObject();
    }

    /** Appends {@code sample} as one object with an ISO-8601 timestamp and no client id. */
    public static StringBuilder writeSample(final StringBuilder out, final Sample sample) {
        return writeSample(out, sample, null, TimestampStyle.ISO_8601);
    }

    /**
     * Appends {@code sample} as one object, as {@link #writeSample(JsonGenerator, Sample, String, TimestampStyle)}
     * writes it, without a trailing newline.
     *
     * @throws IllegalArgumentException when the sample has no {@code __name__}
     */
    public static StringBuilder writeSample(final StringBuilder out, final Sample sample,
                                            final String clientIdOrNull, final TimestampStyle style) {
        final LabelSet labels = sample.labels();
        final String metricName = requireMetricName(labels);
        final JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        final long ts = sample.timestampMs();
        out.append("{\"timestamp\":");
        if (style == TimestampStyle.ISO_8601 && IsoTimestamps.isFormattable(ts)) {
            IsoTimestamps.format(ts, out.append('"')).append('"');
        } else {
            out.append(ts);
        }
        out.append(",\"name\":\"");
        encoder.quoteAsString(metricName, out);
        out.append("\",\"value\":");
        final String special = specialValue(sample.value());
        if (special != null) {
            out.append('"').append(special).append('"');
        } else {
            out.append(sample.value());
        }
        if (labels.size() > 1) {
            out.append(",\"labels\":{");
            boolean first = true;
            for (int i = 0; i < labels.size(); i++) {
                if (labels.name(i).equals(MetricNames.METRIC_NAME_LABEL)) {
                    continue;
                }
                out.append(first ? "\"" : ",\"");
                first = false;
                encoder.quoteAsString(labels.name(i), out);
                out.append("\":\"");
                encoder.quoteAsString(labels.value(i), out);
                out.append('"');
            }
            out.append('}');
        }
        if (clientIdOrNull != null) {
            out.append(",\"client_id\":\"");
            encoder.quoteAsString(clientIdOrNull, out);
            out.append('"');
        }
        return out.append('}');
    }

    private static String requireMetricName(final LabelSet labels) {
        final String metricName = labels.metricName();
        if (metricName == null) {
            throw new IllegalArgumentException("cannot write a sample without __name__: labels=" + labels);
        }
        return metricName;
    }

    /** The string form of a value JSON numbers cannot hold, or {@code null} for a finite value. */
    private static String specialValue(final double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return null;
    }

    /**
     * Per-request limits; exceeding one is an error naming the field. Lengths count UTF-16 chars. The bounds keep
     * every accepted series encodable as a series key ({@code SeriesKeyCodec}: uint16 label count and uint16 UTF-8
     * lengths, a char being at most 3 UTF-8 bytes).
     *
     * @param maxLabelsPerSeries entries in {@code labels}, {@code __name__} not counted (1..65,534)
     * @param maxLabelNameLength chars of a label name (1..65,535)
     * @param maxLabelValueLength chars of a label value, of {@code name} and of {@code client_id} (1..21,845)
     * @param maxSamplesPerRequest objects in one body (at least 1)
     */
    public record Limits(int maxLabelsPerSeries, int maxLabelNameLength, int maxLabelValueLength,
                         int maxSamplesPerRequest) {
        /** 32 labels, 128-char names, 2,048-char values, 100,000 samples. */
        public static final Limits DEFAULTS = new Limits(32, 128, 2048, 100_000);

        /** Checks the bounds; a bad limit is a configuration bug, so it throws. */
        public Limits {
            requireWithin("maxLabelsPerSeries", maxLabelsPerSeries, 65_534);
            requireWithin("maxLabelNameLength", maxLabelNameLength, 65_535);
            requireWithin("maxLabelValueLength", maxLabelValueLength, 65_535 / 3);
            requireWithin("maxSamplesPerRequest", maxSamplesPerRequest, Integer.MAX_VALUE);
        }

        private static void requireWithin(final String key, final int value, final int max) {
            if (value < 1 || value > max) {
                throw new IllegalArgumentException("bad limit: " + key + "=" + value + "; want 1.." + max);
            }
        }
    }
}
