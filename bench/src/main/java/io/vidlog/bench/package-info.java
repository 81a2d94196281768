/** vidlog bench module. */
package io.vidlog.bench;
