package io.metricstream.alert.eval;

import io.metricstream.alert.state.ResultSeries;
import java.util.List;

/**
 * The answer to one instant query: the series, or an error ({@code errorType: message}, or why the query service
 * could not be reached).
 *
 * @param series the instant vector (a scalar becomes one series without labels)
 * @param error  null on success
 */
public record QueryResult(List<ResultSeries> series, String error) {
    /** A failed result. */
    public static QueryResult failed(String error) {
        return new QueryResult(List.of(), error);
    }
}
