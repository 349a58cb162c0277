/** Where series come from: the storage fan-out over every storage instance, and the merge of their answers. */
package io.metricstream.query.remote;
