/** What is sent: series catalogs, synthetic value shapes, and the peers data set reproduced from gen.py. */
package io.metricstream.loadgen.generate;
