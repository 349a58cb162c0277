/** Aggregation operators (sum, avg, topk, quantile, count_values, ...) over step vectors. */
package io.metricstream.query.eval.aggregations;
