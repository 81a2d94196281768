/** vidlog web-player module. */
package io.vidlog.webplayer;
