package io.metricstream.runtime.http;

/**
 * Passed down the pipeline in place of a request whose body exceeded {@link BodyLimits#maxBodyBytes()}, so the
 * 413 takes its turn in the pipelined response order.
 *
 * @param method the request method
 * @param uri    the request URI
 * @param limit  the bound that was exceeded
 */
record OversizedRequest(String method, String uri, int limit) {
}
