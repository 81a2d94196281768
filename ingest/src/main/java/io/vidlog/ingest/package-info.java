/**
 * vidlog ingest: {@code POST /putMedia} (kvs-api.md §1), built by the server with
 * {@link io.vidlog.ingest.IngestApi} and mounted on its router.
 *
 * <p>Flow per connection ({@code IngestSession}): headers checked ({@code PutMediaHeaders}), the
 * principal asked, the stream looked up, then HTTP 200 and the ack stream ({@code AckWriter}). The
 * paused request is read as a stream into the body parser (MKV through the media module's
 * {@code MkvReader}; MP4 through {@code Mp4Upload}/{@code Mp4ToMkv}); the {@code FragmentAssembler}
 * state machine cuts fragments (one per Cluster, early on {@code AWS_KINESISVIDEO_END_OF_FRAGMENT},
 * a new MKV stream on a new EBML header) and applies the fragment rules; each accepted fragment is
 * written as a self-contained chunk ({@code ChunkLayout}, {@code ChunkStream}) and published frame
 * by frame to the live feed; {@code FragmentSequencer} mints numbers and appends to the time index
 * in fragment order per stream. The request is paused while the store is behind.
 *
 * <p>Choices where KVS is silent or vidlog differs (documented for operators and clients):
 * <ul>
 *   <li>4004 is checked per track (DESIGN.md "deliberately kinder than KVS").</li>
 *   <li>Tags sent while no fragment is open belong to the next fragment (pre-cluster); tags sent
 *       after a Cluster started belong to it (post-cluster), in arrival order; a fragment is complete
 *       when the next Cluster, EBML header, end-of-fragment tag or the end of the body arrives.
 *       Reserved {@code AWS_KINESISVIDEO_*} tags are acted on and never stored; other names
 *       starting with {@code AWS} are 4009.</li>
 *   <li>One connection per stream: a new connection takes over; the old one finishes its
 *       in-flight fragment (or is cut after a short grace) and gets
 *       {@code {"EventType":"ERROR","ErrorId":4000,"ErrorCode":"CONNECTION_SUPERSEDED"}}, then is
 *       closed. Fragments re-sent on the new connection are stored again with new numbers, as KVS
 *       does.</li>
 *   <li>An unknown stream is HTTP 404 ResourceNotFound before the 200 (as KVS answers); a stream
 *       deleted while a connection is open gets 4008 STREAM_NOT_ACTIVE at its next fragment and the
 *       connection ends.</li>
 *   <li>A missing {@code x-amzn-fragment-timecode-type} means RELATIVE and a missing producer start
 *       timestamp means the connection's arrival time (ffmpeg and other plain HTTP producers send
 *       neither). The start timestamp is accepted as epoch seconds or ISO-8601.</li>
 *   <li>4009–4012 have no public ErrorCode names; vidlog sends FRAGMENT_METADATA_LIMIT_REACHED,
 *       TRACK_NUMBER_MISMATCH, FRAGMENT_TRACK_MISSING and MAX_TRACKS_EXCEEDED (clients key on the
 *       id). 4006, 4003, 4008, 4012 and takeover end the connection after the ERROR ack; the other
 *       rules drop only the offending fragment.</li>
 *   <li>IDLE acks every 3 s without data, close after 30 s; at that close the open fragment is
 *       completed if its frames are whole.</li>
 *   <li>MP4 upload: a fragmented MP4 (moov with mvex) is demuxed as it arrives, with the same acks
 *       and live frames as MKV while the upload continues; a progressive one is spooled to a
 *       temporary file ({@code IngestConfig.mp4SpoolDir}) and demuxed when the body ends, so its
 *       acks follow the upload. A progressive upload over {@code maxMp4SpoolBytes} (4 GiB) gets
 *       {@code {"EventType":"ERROR","ErrorId":4001,"ErrorCode":"MAX_UPLOAD_SIZE_REACHED"}} (a size
 *       limit, like 4001's fragment size; 4006 would wrongly call the file unparseable) and the
 *       connection ends.</li>
 * </ul>
 */
package io.vidlog.ingest;
