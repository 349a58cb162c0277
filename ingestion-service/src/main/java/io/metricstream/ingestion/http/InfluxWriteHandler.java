package io.metricstream.ingestion.http;

import io.metricstream.ingestion.batch.PartitionChooser;
import io.metricstream.ingestion.format.InfluxPrecision;
import io.metricstream.ingestion.format.ParseStatus;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.http.HttpHandler;

/**
 * {@code POST /write} and {@code POST /api/v2/write}: Influx line protocol ({@code InfluxLineParser}), optional
 * {@code precision=ns|us|ms|s} (default ns); answers 204 once the queue acked every sample. The v2 {@code org} and
 * {@code bucket} (v1 {@code db}, {@code rp}) arguments are accepted and ignored: MetricStream has one namespace.
 */
public final class InfluxWriteHandler implements HttpHandler {
    private final IngestPipeline pipeline;

    /** A handler over {@code pipeline}. */
    public InfluxWriteHandler(final IngestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void handle(final HttpExchange ex) {
        final String client = pipeline.admit(ex);
        if (client == null || !pipeline.acceptEncoding(ex, false)) {
            return;
        }
        final InfluxPrecision precision = InfluxPrecision.parse(ex.queryParam("precision"));
        if (precision == null) {
            pipeline.rejectBadRequest(ex, "precision", "bad precision: got \"" + ex.queryParam("precision")
                + "\"; want ns, us, ms or s");
            return;
        }
        final IngestPipeline.Scratch scratch = pipeline.scratch();
        final BodyView body = scratch.body.wrap(ex.body());
        final StagedSamples staged = pipeline.newStaging(ex.body().readableBytes());
        final String sampleClient = IngestPipeline.sampleClientId(ex);
        if (sampleClient != null) {
            staged.clientHash(PartitionChooser.clientHash(sampleClient));
        }
        final ParseStatus status = scratch.influx.parse(body.array(), body.offset(), body.length(), precision,
            System.currentTimeMillis(), staged);
        body.clear();
        if (status == ParseStatus.ERROR) {
            pipeline.rejectBadData(ex, staged, scratch.influx.error());
            return;
        }
        scratch.groupCounts = staged.groupBySeries(scratch.groupCounts);
        pipeline.submit(ex, client, staged, IngestPipeline.Reply.NO_CONTENT);
    }
}
