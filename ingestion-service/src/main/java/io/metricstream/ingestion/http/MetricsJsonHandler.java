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
        if (client == null) {
            return;
        }
        final IngestPipeline.Scratch scratch = pipeline.scratch();
        final BodyView body = scratch.body.wrap(ex.body());
        final StagedSamples staged = pipeline.newStaging();
        scratch.jsonStager.begin(staged);
        final SeedJsonCodec codec = scratch.json;
        final io.metricstream.contracts.json.ParseStatus status = codec.parse(body.array(), body.offset(),
            body.length(), System.currentTimeMillis(), scratch.jsonStager);
        scratch.jsonStager.end();
        body.clear();
        if (status == io.metricstream.contracts.json.ParseStatus.ERROR) {
            final io.metricstream.contracts.json.ParseError e = codec.error();
            pipeline.rejectBadData(ex, staged, new ParseError(e.index(), e.line(), e.field(), e.reason()));
            return;
        }
        if (scratch.jsonStager.overflow()) {
            pipeline.rejectBadData(ex, staged, new ParseError(ParseError.NONE, ParseError.NONE, null,
                "too many samples in one request: want <= " + staged.maxSamples()));
            return;
        }
        pipeline.submit(ex, client, staged, IngestPipeline.Reply.ACCEPTED_JSON);
    }
}
