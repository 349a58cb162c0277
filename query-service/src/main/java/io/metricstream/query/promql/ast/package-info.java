/** The PromQL syntax tree: a sealed {@code Expr} interface and one record per node kind. */
package io.metricstream.query.promql.ast;
