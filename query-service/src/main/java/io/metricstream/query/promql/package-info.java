/** PromQL text to syntax tree: lexer, tokens, recursive-descent parser with positioned errors. */
package io.metricstream.query.promql;
