package io.metricstream.ingestion.http;

import io.metricstream.contracts.json.JsonErrorBody;
import io.metricstream.ingestion.format.ParseError;

/**
 * The 400 body of a rejected request: the project's error shape plus where the problem is,
 * {@code {"error":{"code":"bad_data","message":"…","field":"…","index":3,"line":4,"reason":"…"}}} ({@code field},
 * {@code index}, {@code line} omitted when unknown), written by the contract's {@link JsonErrorBody}.
 */
final class ErrorBodies {
    private ErrorBodies() {
    }

    static byte[] badData(final ParseError e) {
        return JsonErrorBody.write(JsonErrorBody.BAD_DATA, e.message(), e.field(), e.index(), e.line(), e.reason());
    }
}
