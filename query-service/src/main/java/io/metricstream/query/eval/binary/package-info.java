/** Binary operators: arithmetic, comparison and set operators with vector matching. */
package io.metricstream.query.eval.binary;
