/** Range-at-once PromQL evaluation: every node yields values for all steps of the query at once. */
package io.metricstream.query.eval;
