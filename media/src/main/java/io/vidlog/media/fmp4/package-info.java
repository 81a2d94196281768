/**
 * MP4 output (ISO/IEC 14496-12): stored Matroska fragments repackaged, as they are served, into
 * fragmented MP4 (§8.8; RFC 8216 §3.3 for HLS), an init segment and one media segment each, and
 * into progressive MP4 clips.
 *
 * <h2>Usage</h2>
 *
 * <pre>{@code
 * // one stored fragment (a self-contained MKV) -> its fMP4 segments, for track 1 only
 * MkvFragmentRepackager r = new MkvFragmentRepackager(1);   // no argument: every track
 * MkvReader reader = new MkvReader(r);
 * for (ByteBuffer slice : decryptedSlices) reader.feed(slice);   // slices may be dropped after
 * reader.end();
 *
 * byte[] init = r.initSegment();                      // ftyp + moov (#EXT-X-MAP), under 1 KB
 * List<Fmp4Track> tracks = r.tracks();                // codecString(), resolution(), frameRate()
 * String codecs = Fmp4Track.hlsCodecs(tracks);        // "avc1.64001f,mp4a.40.2"
 *
 * MediaSegment seg = r.segment(sequenceNumber,        // mfhd sequence_number (32 bits)
 *     timeOffsetNs,                                   // added to every MKV timestamp (0: as stored)
 *     nextFragmentStartNs);                           // end of the last frame, or MediaSegmentBuilder.NO_END
 * long contentLength = seg.length();                  // exact, before any byte is written
 * for (ByteBuffer b : seg.buffers()) ...;             // moof+mdat header, then the frames by reference
 * seg.buffers(rangeStart, rangeLength);               // the same for an HTTP byte range
 * seg.track(1).baseDecodeTime();                      // tfdt, in the track's timescale
 * r.release();                                        // after the response is written
 * }</pre>
 *
 * <p>Errors while reading are {@link io.vidlog.media.MediaFormatException}s: UNSUPPORTED of format
 * MKV for a codec other than H.264, H.265 or AAC (or a chosen track the fragment lacks); MALFORMED
 * of format H264, H265 or AAC for codec private data that is absent
 * ({@link io.vidlog.media.fmp4.Fmp4Track#missingCodecPrivate}) or unreadable; OVER_BUDGET when the
 * copies do not fit the budget.
 *
 * <p>Without Matroska: {@link io.vidlog.media.fmp4.Fmp4Track#of(io.vidlog.media.mkv.TrackEntry)},
 * {@link io.vidlog.media.fmp4.InitSegment#write} and a
 * {@link io.vidlog.media.fmp4.MediaSegmentBuilder} fed frames whose payloads stay valid until
 * the segment is written.
 *
 * <h2>Progressive clips</h2>
 *
 * <p>{@link io.vidlog.media.fmp4.ClipBuilder} plans one progressive MP4 (ftyp, moov with complete
 * sample tables, mdat) over many stored fragments from a first reading of each, keeping only frame
 * sizes and times; {@link io.vidlog.media.fmp4.ClipMovie} then has the exact length and the header,
 * and streams the payloads from a second reading, so a clip is never held in memory:
 *
 * <pre>{@code
 * ClipBuilder b = new ClipBuilder(new ClipBuilder.Limits(100 << 20, 1 << 20));
 * for (fragment : fragments) {                       // in clip order, until b.full()
 *   MkvReader r = new MkvReader(b.fragment(clusterAtNs)); feed...; r.end();
 * }
 * ClipMovie movie = b.build();                        // ClipException: NO_VIDEO, CODEC_CHANGED, ...
 * send(movie.header()); contentLength = movie.length();
 * for (i < movie.fragmentCount()) {
 *   ClipMovie.Payloads p = movie.payloads(i, buf -> send(copy of buf));
 *   MkvReader r = new MkvReader(p); feed...; r.end(); p.finish();
 * }
 * }</pre>
 *
 * <p>Timing: MP4 track_ID = Matroska TrackNumber; timescale 90 kHz for video, the sample rate for
 * audio; presentation times are the MKV timestamps (ns, TimecodeScale applied by the reader) plus
 * the offset, so a segment's {@code tfdt} follows from its own frames and segments of one stream
 * line up whichever node renders them. Video decode times run ahead of presentation by the
 * B-frame reordering delay (see {@link io.vidlog.media.fmp4.MediaSegmentBuilder}); keep the
 * timeline absolute (epoch) so that decode times stay above zero. Memory: one fragment's frame
 * payloads, copied once and charged to a {@link io.vidlog.media.ByteBudget} until
 * {@code release()}; the output refers to them.
 */
package io.vidlog.media.fmp4;
