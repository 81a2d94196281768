package io.vidlog.playback.hls;

import io.vidlog.kvs.KvsError;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.fmp4.Fmp4Track;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.media.nal.CodecPrivate;
import java.util.ArrayList;
import java.util.List;

/**
 * The tracks an HLS session plays, checked as KVS checks a stream's first fragment
 * (docs/wire-protocol.md §3.5): H.264 or H.265 video and AAC audio, one of each at most, or AAC
 * alone; every track with codec private data that describes it.
 *
 * @param video the video track number, or 0 for an audio-only stream
 * @param audio the audio track number, or 0 for a stream without audio
 */
public record PlayableTracks(int video, int audio, List<Fmp4Track> tracks) {

  /**
   * The playable tracks of {@code tracks}; UnsupportedStreamMediaTypeException,
   * MissingCodecPrivateDataException or InvalidCodecPrivateDataException when they are not.
   */
  public static PlayableTracks of(TrackSet tracks) {
    int video = 0;
    int audio = 0;
    List<Fmp4Track> out = new ArrayList<>();
    for (TrackEntry e : tracks.entries()) {
      String id = CodecPrivate.canonicalCodecId(e.codecId());
      if (id == null) {
        throw KvsError.UNSUPPORTED_STREAM_MEDIA_TYPE.exception("Track " + e.trackNumber() + " has CodecID "
            + e.codecId() + "; HLS plays H.264 (V_MPEG/ISO/AVC) or H.265 (V_MPEG/ISO/HEVC) video and AAC (A_AAC) audio");
      }
      boolean isVideo = !id.equals(CodecPrivate.AAC);
      if (isVideo ? video != 0 : audio != 0) {
        throw KvsError.UNSUPPORTED_STREAM_MEDIA_TYPE.exception("The stream has more than one "
            + (isVideo ? "video" : "audio") + " track; HLS plays one video and one audio track");
      }
      if (Fmp4Track.missingCodecPrivate(e)) {
        throw KvsError.MISSING_CODEC_PRIVATE_DATA.exception("Track " + e.trackNumber() + " (" + e.codecId()
            + ") has no codec private data");
      }
      try {
        out.add(Fmp4Track.of(e));
      } catch (MediaFormatException ex) {
        throw KvsError.INVALID_CODEC_PRIVATE_DATA.exception("The codec private data of track " + e.trackNumber()
            + " is not valid: " + ex.getMessage());
      }
      if (isVideo) {
        video = e.trackNumber();
      } else {
        audio = e.trackNumber();
      }
    }
    if (video == 0 && audio == 0) {
      throw KvsError.UNSUPPORTED_STREAM_MEDIA_TYPE.exception("The stream has no track HLS can play");
    }
    return new PlayableTracks(video, audio, List.copyOf(out));
  }

  /** The track of the variant: video, or audio for an audio-only stream. */
  public int main() {
    return video != 0 ? video : audio;
  }

  /** The track numbers with a media playlist each. */
  public List<Integer> numbers() {
    List<Integer> out = new ArrayList<>(2);
    if (video != 0) {
      out.add(video);
    }
    if (audio != 0) {
      out.add(audio);
    }
    return out;
  }

  public Fmp4Track track(int number) {
    for (Fmp4Track t : tracks) {
      if (t.trackId() == number) {
        return t;
      }
    }
    return null;
  }
}
