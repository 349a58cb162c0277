package io.metricstream.loadgen.report;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one stage of a run. Latencies are microseconds; {@code response} is measured from each request's
 * due time (open loop, coordinated-omission corrected) or send time (closed loop), {@code service} from its send.
 *
 * @param name stage name
 * @param target where it went
 * @param format payload format
 * @param mode {@code open} or {@code closed}
 * @param connections concurrent connections
 * @param batch samples per request
 * @param elapsedNanos wall time of the stage
 * @param requestsByStatus requests per HTTP status (0 = no answer)
 * @param samplesByStatus samples per status of their request
 * @param reasons first failure reasons per status
 * @param samplesAcked samples in 2xx requests
 * @param requestsAcked 2xx requests
 * @param requestsFailed other requests
 * @param unsent requests due but never sent (open loop)
 * @param bytesSent payload bytes sent
 * @param response response-time histogram (µs)
 * @param service service-time histogram (µs)
 */
public record StageReport(String name, String target, String format, String mode, int connections, int batch,
                          long elapsedNanos, Map<Integer, Long> requestsByStatus, Map<Integer, Long> samplesByStatus,
                          Map<Integer, List<String>> reasons, long samplesAcked, long requestsAcked,
                          long requestsFailed, long unsent, long bytesSent, Histogram response, Histogram service) {

    /** Percentiles every report prints. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    /** Acknowledged samples per second of wall time. */
    public double samplesPerSecond() {
        return elapsedNanos == 0 ? 0 : samplesAcked * 1e9 / elapsedNanos;
    }

    /** Answered requests (any status) per second. */
    public double requestsPerSecond() {
        return elapsedNanos == 0 ? 0 : (requestsAcked + requestsFailed) * 1e9 / elapsedNanos;
    }

    /** Share of requests answered 2xx, in percent. */
    public double successPercent() {
        final long all = requestsAcked + requestsFailed + unsent;
        return all == 0 ? 0 : 100.0 * requestsAcked / all;
    }

    /** Response-time percentile in ms. */
    public double responseMs(final double percentile) {
        return response.getTotalCount() == 0 ? 0 : response.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Service-time percentile in ms. */
    public double serviceMs(final double percentile) {
        return service.getTotalCount() == 0 ? 0 : service.getValueAtPercentile(percentile) / 1000.0;
    }
}
