/**
 * The web player: the static page, scripts and styles the server serves at {@code /}, and the
 * hls.js build it plays HLS with, listed by {@link io.vidlog.webplayer.WebPlayerAssets}. No code
 * here runs on the server beyond loading these files; the server declares one route per asset.
 */
package io.vidlog.webplayer;
