/**
 * EBML (RFC 8794) framing: a push-driven {@link io.vidlog.media.ebml.EbmlReader} that reports typed
 * events to an {@link io.vidlog.media.ebml.EbmlProcessor} from input slices of any size, a bounded
 * {@link io.vidlog.media.ebml.EbmlCursor} for buffered elements, and small writer functions in
 * {@link io.vidlog.media.ebml.EbmlWriter}. Knows ids, sizes and levels only; meaning lives in
 * {@code io.vidlog.media.mkv}.
 */
package io.vidlog.media.ebml;
