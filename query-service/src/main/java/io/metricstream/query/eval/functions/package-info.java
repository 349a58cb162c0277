/** The PromQL function library: per-element, per-window (range vector) and label functions. */
package io.metricstream.query.eval.functions;
