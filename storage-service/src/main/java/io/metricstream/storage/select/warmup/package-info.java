/** The startup warm-up of the select path, over a throwaway database of synthetic series (never the user's). */
package io.metricstream.storage.select.warmup;
