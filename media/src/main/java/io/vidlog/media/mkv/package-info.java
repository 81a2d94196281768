/**
 * Matroska (RFC 9559) as KVS uses it: {@link io.vidlog.media.mkv.MkvReader} turns pushed input
 * slices into {@link io.vidlog.media.mkv.MkvHandler} events (header elements parsed with their raw
 * bytes, frames as views of the input); {@link io.vidlog.media.mkv.MkvWriter} writes the elements of
 * a KVS producer stream and of a GetMedia chunk (docs/wire-protocol.md §1.1, §2).
 */
package io.vidlog.media.mkv;
