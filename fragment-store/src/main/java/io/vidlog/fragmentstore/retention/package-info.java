/** DataRetentionInHours enforcement: {@link io.vidlog.fragmentstore.retention.RetentionSweeper}. */
package io.vidlog.fragmentstore.retention;
