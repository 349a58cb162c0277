/** Final reports (text, JSON, HTML with SVG percentile plots) and the live progress line. */
package io.metricstream.loadgen.report;
