/** End-to-end verification: acknowledged samples read back and compared exactly. */
package io.metricstream.loadgen.verify;
