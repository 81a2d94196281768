/**
 * MP4 demux for uploads (ISO/IEC 14496-12): {@link io.vidlog.media.mp4.FragmentedMp4Demuxer}
 * (push-driven, for fragmented/CMAF input arriving as a stream), {@link
 * io.vidlog.media.mp4.Mp4FileDemuxer} (progressive files spooled to disk, moov anywhere) and
 * {@link io.vidlog.media.mp4.Mp4Demux#file}, which picks. Output is described in Matroska terms
 * ({@link io.vidlog.media.mp4.Mp4Track}, {@link io.vidlog.media.mp4.Mp4Sample}). mp4parser is used
 * only inside {@code SampleEntries}; none of its types leave the package.
 */
package io.vidlog.media.mp4;
