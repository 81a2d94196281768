/** vidlog ingest module. */
package io.vidlog.ingest;
