package io.metricstream.ingestion.http;

import io.metricstream.ingestion.batch.PartitionChooser;
import io.metricstream.ingestion.format.ParseStatus;
import io.metricstream.ingestion.format.StagedSamples;
import io.metricstream.runtime.http.HttpExchange;
import io.metricstream.runtime.http.HttpHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

/**
 * {@code POST /api/v1/write}: Prometheus remote write 1.0 ({@code X-Prometheus-Remote-Write-Version: 0.1.0},
 * snappy block format around a protobuf {@code WriteRequest}, {@code RemoteWriteDecoder}); answers 204 once the
 * queue acked every sample. A remote write 2.0 body ({@code Content-Type: application/x-protobuf;proto=
 * io.prometheus.write.v2.Request}) is refused with 415, as Prometheus receivers do for versions they lack, so the
 * sender falls back to 1.0.
 *
 * <p>The body is snappy block format with or without {@code Content-Encoding: snappy} (Prometheus always sends the
 * header; the runtime passes such bodies through untouched). A gzip/deflate-encoded body arrives inflated by the
 * runtime and must hold the snappy block inside; any other encoding is a 415.
 */
public final class RemoteWriteHandler implements HttpHandler {
    private static final AsciiString V2_CONTENT_TYPE = AsciiString.cached("io.prometheus.write.v2");
    private final IngestPipeline pipeline;

    /** A handler over {@code pipeline}. */
    public RemoteWriteHandler(final IngestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void handle(final HttpExchange ex) {
        final String contentType = ex.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType != null && AsciiString.containsIgnoreCase(contentType, V2_CONTENT_TYPE)) {
            ex.respondError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "remote write 2.0 is not supported: got " + contentType + "; want remote write 1.0", "Content-Type");
            return;
        }
        final String client = pipeline.admit(ex);
        if (client == null || !pipeline.acceptEncoding(ex, true)) {
            return;
        }
        final IngestPipeline.Scratch scratch = pipeline.scratch();
        final BodyView body = scratch.body.wrap(ex.body());
        final StagedSamples staged = pipeline.newStaging(ex.body().readableBytes());
        final String sampleClient = IngestPipeline.sampleClientId(ex);
        if (sampleClient != null) {
            staged.clientHash(PartitionChooser.clientHash(sampleClient));
        }
        final ParseStatus status = scratch.remoteWrite.decode(body.array(), body.offset(), body.length(), staged);
        body.clear();
        if (status == ParseStatus.ERROR) {
            pipeline.rejectBadData(ex, staged, scratch.remoteWrite.error());
            return;
        }
        pipeline.submit(ex, client, staged, IngestPipeline.Reply.NO_CONTENT);
    }
}
