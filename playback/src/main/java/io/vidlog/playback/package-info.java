/**
 * vidlog playback: the KVS media read APIs (docs/wire-protocol.md §2, §3): GetMedia, ListFragments
 * and GetMediaForFragmentList behind {@link io.vidlog.playback.PlaybackApi}; HLS and DASH, GetClip
 * and GetImages each behind an {@code ApiModule} of its own package.
 *
 * <ul>
 *   <li>{@code request}: request bodies parsed and validated (InvalidArgumentException).</li>
 *   <li>{@code chunk}: the streaming response ({@code ChunkSink}, {@code ChunkOutput}), stored-chunk
 *       streaming with back-pressure, connection limits, authorisation and stream lookup. The chunk
 *       framing and KVS tags themselves are fragment-store's {@code ChunkMkv}.</li>
 *   <li>{@code getmedia}: start-selector resolution and the GetMedia session, a state machine
 *       (store, then live) with its stored reader, live filter, timers and ending.</li>
 *   <li>{@code archive}: ListFragments and GetMediaForFragmentList.</li>
 *   <li>{@code hls}: HLS sessions (fMP4 or MPEG-TS) and DASH manifests on the same sessions.</li>
 *   <li>{@code clip}: GetClip, a progressive MP4 planned from a first reading of the fragments and
 *       streamed from a second ({@code ClipApi}).</li>
 *   <li>{@code images}: GetImages and stream thumbnails, H.264 decoded with jcodec on a worker pool
 *       ({@code ImagesApi}).</li>
 * </ul>
 *
 * <p>Choices where KVS is silent or vidlog differs, for readers of GetMedia:
 * <ul>
 *   <li>NOW starts at the next fragment to start; a fragment already open is skipped, so a reader
 *       always starts on a key frame.</li>
 *   <li>A live fragment that ingest refuses after some of its frames were sent is closed with the
 *       usual post-cluster Tags (its number as continuation token); it never appears in the store.</li>
 *   <li>MILLIS_BEHIND_NOW is now minus the end of the fragment (server timestamp + duration), at least 0.</li>
 *   <li>Continuation tokens are fragment numbers; a session ends (after a whole fragment) at its
 *       maximum length or when the server drains, at once when it has waited idle at the live edge,
 *       when the reader is too slow for the live feed, or on an in-stream error.</li>
 *   <li>Retention-0 streams are served from the live window only; a timestamp selector on them starts
 *       with the fragment in the window that contains the timestamp (else the first after it), and
 *       EARLIEST falls back to NOW when the window has moved on.</li>
 *   <li>GetMediaForFragmentList chunks carry the timestamp tags in both documented spellings and no
 *       MILLIS_BEHIND_NOW or CONTINUATION_TOKEN, which KVS documents for GetMedia only.</li>
 * </ul>
 */
package io.vidlog.playback;
