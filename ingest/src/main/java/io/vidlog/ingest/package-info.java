/**
 * vidlog ingest: {@code POST /putMedia} (docs/wire-protocol.md §1), built by the server with
 * {@link io.vidlog.ingest.IngestApi} and mounted on its router.
 *
 * <p>Flow per connection ({@code IngestSession}, a state machine NEW → STREAMING → (ENDING →)
 * DRAINING → FINISHED): headers checked ({@code PutMediaHeaders}), the principal asked, the stream
 * looked up, the call rate and the connection rule applied, then HTTP 200 and the ack stream
 * ({@code AckStream}). The paused request is read as a stream into the body parser (MKV through
 * the media module's {@code MkvReader}; MP4 through {@code Mp4Upload}/{@code Mp4ToMkv}); the
 * {@code FragmentAssembler} state machine cuts fragments (one per Cluster, early on
 * {@code AWS_KINESISVIDEO_END_OF_FRAGMENT}, a new MKV stream on a new EBML header) and applies the
 * fragment rules; {@code FragmentSink} writes each accepted fragment as a self-contained chunk
 * ({@code ChunkStream}, framed by fragment-store's {@code ChunkMkv}), publishes it frame by frame
 * to the live feed and has {@code FragmentSequencer} mint numbers and append to the time index in
 * fragment order per stream. {@code FlowControl} pauses the request while the store, the parser or
 * the client's ack reading is behind; {@code AckErrors} is the one mapping from a failure to its
 * ErrorId.
 *
 * <p>One producer per stream ({@code ActiveConnections}; KVS: one connection per stream, docs/wire-protocol.md
 * §1.4 and §6, whose docs disagree on which connection wins). A new PutMedia call for a stream is
 * <ol>
 *   <li>refused with {@code ClientLimitExceededException} (400) when it is over the stream's call
 *       rate ({@code IngestConfig.maxPutMediaCallsPerSecond}, KVS's 5 per second);</li>
 *   <li>refused with {@code ConnectionLimitExceededException} (400, before the 200) while the
 *       stream's current connection has an <em>active</em> producer: the connection is STREAMING
 *       (it still reads input) and its producer sent a byte within
 *       {@code IngestConfig.takeoverSilence} (default 5 s). Time during which vidlog itself held
 *       the request paused for the store or the parser does not count as silence; a client that
 *       does not read its acks does. Live producers send a frame every 33–40 ms, so 5 s without a
 *       byte is a dead connection, not jitter; the KVS SDKs map a 400 on PutMedia to a retriable
 *       result and call again, and only reconnect after giving up on their old connection (curl's
 *       30 s low-speed limit, connection staleness, a network error), so a reconnect is admitted
 *       at once or at a later retry;</li>
 *   <li>otherwise admitted, and it owns the stream at once. A silent old connection is superseded:
 *       it reads no more input, drops the fragment it left unfinished with
 *       {@code {"EventType":"ERROR","ErrorId":4000,"ErrorCode":"CONNECTION_SUPERSEDED"}} (a
 *       fragment whose Cluster had ended is kept), sent after the PERSISTED acks of the fragments
 *       it had received, and is closed. An old connection that is ENDING or DRAINING (its body
 *       ended, it failed, or it only waits for its last acks) is not active and is left to finish
 *       on its own.</li>
 * </ol>
 * So two producers on one stream end with one streaming and the other refused, however often it
 * retries, and the first is never disturbed. (Were each newcomer to supersede the current
 * connection with 4000, which the SDK treats as a transient error and retries at once, two
 * producers would take the stream from each other for ever.) Fragments re-sent on a new
 * connection are stored again with new numbers, as KVS does. A superseded or finished session
 * closes its body parser at once, releasing its buffers.
 *
 * <p>Choices where KVS is silent or vidlog differs (documented for operators and clients):
 * <ul>
 *   <li>4004 is checked per track (docs/wire-protocol.md §1.4 and §9).</li>
 *   <li>Tags sent while no fragment is open belong to the next fragment (pre-cluster); tags sent
 *       after a Cluster started belong to it (post-cluster), in arrival order; a fragment is complete
 *       when the next Cluster, EBML header, end-of-fragment tag or the end of the body arrives.
 *       Reserved {@code AWS_KINESISVIDEO_*} tags are acted on and never stored; other names
 *       starting with {@code AWS} are 4009.</li>
 *   <li>Tags before the EBML header. A body may open with Tags elements ahead of its EBML header
 *       (and Tags may come between an ended MKV stream and the next EBML header): their items are
 *       the next fragment's metadata, and an {@code AWS_KINESISVIDEO_END_OF_FRAGMENT} among them,
 *       with no fragment open, changes nothing. This is what the KVS producer core (PIC,
 *       awslabs/amazon-kinesis-video-streams-pic 1.2.0, {@code src/client/src/Stream.c}) means when it
 *       sends such a body: {@code putFrame} packages queued fragment metadata as a Tags element
 *       "before the fragment start", and an end-of-fragment frame as a view item that is only a
 *       Tags element holding the pending metadata and the EoFr tag. After a reconnect,
 *       {@code streamStartFixupOnReconnect} prepends a fresh MKV header to the view item at the
 *       rolled-back index only, while {@code getStreamData} starts at
 *       {@code getNextBoundaryViewItem}, which skips items marked bad by a non-retriable error ack
 *       ({@code streamFragmentErrorAck}) and stops at a fragment start <em>or end</em>; and after
 *       an error on the fragment being produced the generator is reset at the next key frame,
 *       whose item carries the EBML header, while EoFr items are still packaged before it. So a
 *       session can begin with a bare Tags item and get its EBML header with a later item. The
 *       PIC's commit a88e315 (2020-10, "Multiple improvements handling edge cases with recovery
 *       and generating invalid MKV") fixed the worst case, metadata packaged ahead of the MKV
 *       header at a stream start and cut at the wrong offsets when re-streamed (its test
 *       {@code FragmentMetadataStartStreamFailRecovery} asserts a re-sent session starts as the
 *       first did); producers on older PICs still send that. What the KVS service answers to such
 *       a body is not documented and no public report shows it; vidlog follows the producer's intent
 *       instead of answering 4006. Anything else before the EBML header is 4006 at its first
 *       byte.</li>
 *   <li>Every ERROR ack waits behind the final acks (PERSISTED, or 5001) of the fragments received
 *       before it on the connection: the KVS producer SDK rolls its buffer back on an error, and an
 *       error that overtook an earlier PERSISTED would make it re-send a stored fragment.</li>
 *   <li>An unknown stream is HTTP 404 ResourceNotFound before the 200 (as KVS answers); a stream
 *       deleted while a connection is open gets 4008 STREAM_NOT_ACTIVE at its next fragment and the
 *       connection ends.</li>
 *   <li>A missing {@code x-amzn-fragment-timecode-type} means RELATIVE and a missing producer start
 *       timestamp means the connection's arrival time (ffmpeg and other plain HTTP producers send
 *       neither). The start timestamp is accepted as epoch seconds or ISO-8601.</li>
 *   <li>4009–4012 have no public ErrorCode names; vidlog sends FRAGMENT_METADATA_LIMIT_REACHED,
 *       TRACK_NUMBER_MISMATCH, FRAGMENT_TRACK_MISSING and MAX_TRACKS_EXCEEDED (clients key on the
 *       id). 4006, 4003, 4008, 4012 and a takeover end the connection after the ERROR ack; the other
 *       rules drop only the offending fragment.</li>
 *   <li>IDLE acks every 3 s without data, close after 30 s; at that close the open fragment is
 *       completed if its frames are whole.</li>
 *   <li>MP4 upload: a fragmented MP4 (moov with mvex) is demuxed as it arrives, with the same acks
 *       and live frames as MKV while the upload continues; a progressive one is spooled to a
 *       temporary file ({@code IngestConfig.mp4SpoolDir}) and demuxed when the body ends, so its
 *       acks follow the upload. The spool holds no plaintext: it is sealed in 64 KiB AES-256-GCM
 *       segments under a key made for the upload and kept only in memory ({@code SealedSpool}),
 *       read back through a decrypting view; a segment altered on disk fails the upload with
 *       5000 INTERNAL_ERROR instead of storing what it would decode to. A progressive upload over {@code maxMp4SpoolBytes} (4 GiB) gets
 *       {@code {"EventType":"ERROR","ErrorId":4001,"ErrorCode":"MAX_UPLOAD_SIZE_REACHED"}} (a size
 *       limit, like 4001's fragment size; 4006 would wrongly call the file unparseable) and the
 *       connection ends.</li>
 * </ul>
 */
package io.vidlog.ingest;
