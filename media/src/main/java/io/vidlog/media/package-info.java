/** vidlog media module. */
package io.vidlog.media;
