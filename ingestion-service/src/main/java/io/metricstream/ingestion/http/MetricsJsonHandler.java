package io.metricstream.ingestion.http;

import io.metricstream.contracts.json.SeedJsonCodec;
import io.metricstream.ingestion.format.ParseError;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.http.HttpHandler;

/**
 * {@code POST /metrics}: the seed's JSON (one object, an array, or JSON lines; {@code SeedJsonCodec}); answers
 * 200 {@code {"accepted":N}} once the queue acked every sample. Each object's {@code client_id} picks its
 * partition; objects without one are placed by series hash.
 */
public final class MetricsJsonHandler implements HttpHandler {
    private final IngestPipeline pipeline;

    /** A handler over {@code pipeline}. */
    public MetricsJsonHandler(final IngestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void handle(final HttpExchange ex) {
        final String client = pipeline.admit(ex);
        if (client == null || !pipeline.acceptEncoding(ex, false)) {
            return;
        }
        final IngestPipeline.Scratch scratch = pipeline.scratch();
        final BodyView body = scratch.body.wrap(ex.body());
        final StagedSamples staged = pipeline.newStaging(ex.body().readableBytes());
        final ParseError error = stage(scratch, body.array(), body.offset(), body.length(),
            System.currentTimeMillis(), staged);
        body.clear();
        if (error != null) {
            pipeline.rejectBadData(ex, staged, error);
            return;
        }
        pipeline.submit(ex, client, staged, IngestPipeline.Reply.ACCEPTED_JSON);
    }

    /**
     * Parses a JSON body into {@code staged}; returns its first problem (codec error, a UTF-8 length limit broken,
     * too many samples), or null when the whole body staged.
     */
    static ParseError stage(final IngestPipeline.Scratch scratch, final byte[] b, final int offset, final int length,
                            final long nowMs, final StagedSamples staged) {
        scratch.jsonStager.begin(staged);
        final SeedJsonCodec codec = scratch.json;
        final io.metricstream.contracts.json.ParseStatus status = codec.parse(b, offset, length, nowMs,
            scratch.jsonStager);
        scratch.jsonStager.end();
        if (scratch.jsonStager.error() != null) {
            // a length breach comes before any later codec error: the codec went on past it
            return scratch.jsonStager.error();
        }
        if (status == io.metricstream.contracts.json.ParseStatus.ERROR) {
            final io.metricstream.contracts.json.ParseError e = codec.error();
            return new ParseError(e.index(), e.line(), e.field(), e.reason());
        }
        if (scratch.jsonStager.overflow()) {
            return new ParseError(ParseError.NONE, ParseError.NONE, null,
                "too many samples in one request: want <= " + staged.maxSamples());
        }
        return null;
    }
}
