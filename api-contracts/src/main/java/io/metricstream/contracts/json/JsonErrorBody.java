package io.metricstream.contracts.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The project's JSON error body, as the ingestion endpoints answer a 400:
 * <pre>
 * {"error":{"code":"bad_data","message":"…","field":"labels.host","index":3,"line":4}}
 * </pre>
 * {@code field}, {@code index}, {@code line} (and {@code reason}, the message without its location, which ingestion
 * adds) are left out when absent. Non-ASCII chars are written as
 * {@code \}{@code uXXXX} escapes, so any message, even one quoting a malformed body, yields valid JSON.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonErrorBody {
    /** The code of a body that cannot be accepted as sent (Prometheus's {@code bad_data}). */
    public static final String BAD_DATA = "bad_data";

    private static final int INITIAL_CAPACITY = 256;
    private static final int HIGHEST_NON_ESCAPED_CHAR = 0x7f;

    private JsonErrorBody() {
    }

    /** The {@code bad_data} body for a rejected seed JSON body. */
    public static byte[] badData(final ParseError error) {
        return write(BAD_DATA, error.message(), error.field(), error.index(), error.line());
    }

    /**
     * Writes an error body as UTF-8.
     *
     * @param code machine-readable error code, e.g. {@link #BAD_DATA}
     * @param message one line for people
     * @param fieldOrNull JSON path of the offending field, or {@code null}
     * @param index 0-based ordinal of the offending item; left out when negative
     * @param line 1-based line of the request body; left out when not positive
     */
    public static byte[] write(final String code, final String message, final String fieldOrNull, final int index,
                               final int line) {
        return write(code, message, fieldOrNull, index, line, null);
    }

    /**
     * Writes an error body as UTF-8, with {@code reason} ("got X; want Y", no location) when not {@code null}.
     *
     * @param code machine-readable error code, e.g. {@link #BAD_DATA}
     * @param message one line for people
     * @param fieldOrNull JSON path of the offending field, or {@code null}
     * @param index 0-based ordinal of the offending item; left out when negative
     * @param line 1-based line of the request body; left out when not positive
     * @param reasonOrNull the reason alone, or {@code null}
     */
    public static byte[] write(final String code, final String message, final String fieldOrNull, final int index,
                               final int line, final String reasonOrNull) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_CAPACITY);
        try (JsonGenerator gen = SeedJsonCodec.JSON_FACTORY.createGenerator(out)) {
            gen.setHighestNonEscapedChar(HIGHEST_NON_ESCAPED_CHAR);
            gen.writeStartObject();
            gen.writeFieldName("error");
            gen.writeStartObject();
            gen.writeStringField("code", code);
            gen.writeStringField("message", message);
            if (fieldOrNull != null) {
                gen.writeStringField("field", fieldOrNull);
            }
            if (index >= 0) {
                gen.writeNumberField("index", index);
            }
            if (line > 0) {
                gen.writeNumberField("line", line);
            }
            if (reasonOrNull != null) {
                gen.writeStringField("reason", reasonOrNull);
            }
            gen.writeEndObject();
            gen.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write error body to memory", e);
        }
        return out.toByteArray();
    }
}
