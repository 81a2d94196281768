/** vidlog server module. */
package io.vidlog.server;
