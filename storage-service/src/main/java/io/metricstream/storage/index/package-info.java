/** The block index: symbol table, series with chunk refs, postings and their intersection. */
package io.metricstream.storage.index;
