/** vidlog playback module. */
package io.vidlog.playback;
