package io.metricstream.loadgen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metricstream.loadgen.verify.AlertCheck;
import io.metricstream.loadgen.verify.VerifyResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The final report as JSON: {@code {"title", "stages":[{name, target, format, mode, connections, batch,
 * elapsed_s, samples_per_s, requests_per_s, success_percent, samples_acked, requests_ok, requests_failed, unsent,
 * bytes_sent, status:{code:count}, latency_ms:{p50..max}, service_ms:{...}}], "verify":{...}, "alerts":{...}}}.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** Builds the JSON tree. */
    public static ObjectNode tree(final String title, final List<StageReport> stages, final VerifyResult verify) {
        return tree(title, stages, verify, null);
    }

    /** Builds the JSON tree, with the canary alert check when there was one. */
    public static ObjectNode tree(final String title, final List<StageReport> stages, final VerifyResult verify,
                                  final AlertCheck.Result alerts) {
        final ObjectNode root = MAPPER.createObjectNode().put("title", title);
        final ArrayNode arr = root.putArray("stages");
        for (StageReport s : stages) {
            final ObjectNode o = arr.addObject().put("name", s.name()).put("target", s.target())
                .put("format", s.format()).put("mode", s.mode()).put("connections", s.connections())
                .put("batch", s.batch()).put("elapsed_s", s.elapsedNanos() / 1e9)
                .put("samples_per_s", s.samplesPerSecond()).put("requests_per_s", s.requestsPerSecond())
                .put("success_percent", s.successPercent()).put("samples_acked", s.samplesAcked())
                .put("requests_ok", s.requestsAcked()).put("requests_failed", s.requestsFailed())
                .put("unsent", s.unsent()).put("bytes_sent", s.bytesSent());
            final ObjectNode status = o.putObject("status");
            for (Map.Entry<Integer, Long> e : s.requestsByStatus().entrySet()) {
                status.put(Integer.toString(e.getKey()), e.getValue());
            }
            percentiles(o.putObject("latency_ms"), s, true);
            percentiles(o.putObject("service_ms"), s, false);
        }
        if (verify != null) {
            root.set("verify", MAPPER.valueToTree(verify));
        }
        if (alerts != null) {
            root.set("alerts", MAPPER.valueToTree(alerts));
        }
        return root;
    }

    private static void percentiles(final ObjectNode o, final StageReport s, final boolean response) {
        for (double p : StageReport.PERCENTILES) {
            o.put("p" + TextReport.trim(p), response ? s.responseMs(p) : s.serviceMs(p));
        }
        o.put("max", (response ? s.response().getMaxValue() : s.service().getMaxValue()) / 1000.0);
        o.put("count", response ? s.response().getTotalCount() : s.service().getTotalCount());
    }

    /** Writes the report to {@code file}. */
    public static void write(final Path file, final String title, final List<StageReport> stages,
                             final VerifyResult verify, final AlertCheck.Result alerts) throws IOException {
        MAPPER.writeValue(file.toFile(), tree(title, stages, verify, alerts));
    }
}
