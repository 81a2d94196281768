package io.vidlog.playback.hls;

import io.vidlog.fragmentstore.FragmentRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an LL-HLS live media playlist adds to a session's segments (docs/wire-protocol.md §3.5,
 * "Low-Latency HLS"; draft-pantos-hls-rfc8216bis): the parts of the newest segments, the segment being
 * produced with its parts so far, the hint for the next part, the other renditions' edges, and the
 * edge a blocking playlist request waits for. It reads a session's {@link Timeline} (the segments
 * listed, with their numbers) and the stream's {@link LiveParts} (the fragments after them); callers
 * hold the LiveParts' lock, under which its fragments change.
 */
final class LowLatencyView {
  private LowLatencyView() {}

  /**
   * Where a track's playlist ends.
   *
   * @param lastMsn the media sequence number of the last complete segment (-1: none)
   * @param lastParts how many parts that segment has; -1 when not known (no parts listed for it)
   * @param openParts the complete parts of the segment being produced (media sequence number
   *     {@code lastMsn + 1}); 0 when there is none, or it has no complete part yet
   * @param lastPartHeld the last segment's last part is held back from blocking requests until the
   *     next fragment starts ({@link LiveParts#awaitingNext})
   */
  record Edge(long lastMsn, int lastParts, int openParts, boolean lastPartHeld) {

    /**
     * Whether the playlist holds segment {@code msn} (part &lt; 0), or part {@code part} of segment
     * {@code msn} or a later part (draft-pantos-hls-rfc8216bis §6.2.5.2).
     */
    boolean reached(long msn, int part) {
      if (part < 0 || msn < lastMsn) {
        return msn <= lastMsn;
      }
      if (msn == lastMsn) {
        return lastParts < 0 || part < lastParts - (lastPartHeld ? 1 : 0) || openParts > 0;
      }
      return msn == lastMsn + 1 && part < openParts;
    }

    /**
     * A request the server answers 400 at once (§6.2.5.2): a segment more than two after the last
     * one, or a part more than the Advance Part Limit after the last part.
     */
    boolean tooFar(long msn, int part, int advancePartLimit) {
      if (msn > lastMsn + 2) {
        return true;
      }
      if (part < 0) {
        return false;
      }
      if (msn == lastMsn + 1) {
        return part - (openParts - 1) > advancePartLimit;
      }
      return msn == lastMsn + 2 && part + 1 > advancePartLimit;
    }
  }

  /** The Advance Part Limit (§6.2.5.2): three divided by the part target when it is under a second, else three. */
  static int advancePartLimit(long partTargetMillis) {
    return partTargetMillis < 1000 ? (int) Math.ceil(3000.0 / partTargetMillis) : 3;
  }

  /** The edge of a track's playlist: the timeline's segments, then the fragments that ended or started since. */
  static Edge edge(Timeline t, int track, LiveParts parts) {
    Lane.Entry last = t.last(track);
    if (last == null) {
      return new Edge(-1, -1, 0, false);
    }
    List<LiveParts.Fragment> after = parts.after(last.record().number());
    if (after == null) {
      return new Edge(last.mediaSequence(), -1, 0, false);
    }
    long msn = last.mediaSequence();
    int lastParts = partCount(parts.fragment(last.record().number()), track);
    int openParts = 0;
    LiveParts.Fragment newest = parts.fragment(last.record().number());
    for (LiveParts.Fragment f : after) {
      if (f.tracks.entry(track) == null) {
        continue; // no such track in it: not a segment of this playlist
      }
      newest = f;
      if (f.open) {
        LiveParts.TrackParts tp = f.track(track);
        openParts = tp == null ? 0 : tp.completeParts();
      } else {
        msn++;
        lastParts = partCount(f, track);
      }
    }
    return new Edge(msn, lastParts, openParts, newest != null && parts.awaitingNext(newest));
  }

  private static int partCount(LiveParts.Fragment f, int track) {
    LiveParts.TrackParts tp = f == null ? null : f.track(track);
    return tp == null || tp.parts.isEmpty() ? -1 : tp.completeParts();
  }

  /**
   * The playlist's segments with their parts and its LL-HLS tags; null when none apply (no part
   * to list: a LIVE_REPLAY that has not caught up, a track whose frames are out of order).
   *
   * @param segments the window's segments, in order, without parts
   * @param window the timeline entries they were made of
   */
  static MediaPlaylist lowLatency(HlsSession session, String token, int track, Timeline t, LiveParts parts,
      List<Lane.Entry> window, List<MediaPlaylist.Segment> segments, List<Integer> otherTracks, int targetDuration,
      long mediaSequence, long discontinuitySequence) {
    List<MediaPlaylist.Segment> withParts = new ArrayList<>(segments.size());
    boolean any = false;
    long partTarget = parts.targetMillis();
    for (int i = 0; i < segments.size(); i++) {
      Lane.Entry e = window.get(i);
      MediaPlaylist.Segment s = segments.get(i);
      List<MediaPlaylist.Part> ps = completeParts(token, track, parts.fragment(e.record().number()), e.lengthMillis());
      for (MediaPlaylist.Part p : ps) {
        partTarget = Math.max(partTarget, p.durationMillis());
      }
      any |= !ps.isEmpty();
      withParts.add(ps.isEmpty() ? s : new MediaPlaylist.Segment(s.map(), s.discontinuity(), s.programDateTime(),
          s.durationMillis(), s.uri(), ps));
    }
    MediaPlaylist.Partial partial = null;
    String hint = null;
    Lane.Entry last = window.isEmpty() ? null : window.get(window.size() - 1);
    List<LiveParts.Fragment> after = last == null ? null : parts.after(last.record().number());
    if (after != null && after.size() == 1 && after.get(0).open && after.get(0).track(track) != null) {
      LiveParts.Fragment f = after.get(0);
      LiveParts.TrackParts tp = f.track(track);
      Lane.Entry next = t.next(track, new FragmentRecord(f.number, f.serverMillis, f.producerMillis, 0, 0, 0, false),
          f.tracks);
      List<MediaPlaylist.Part> ps = new ArrayList<>();
      for (int i = 0; i < tp.completeParts(); i++) {
        LiveParts.Part p = tp.parts.get(i);
        ps.add(new MediaPlaylist.Part(p.endMillis - p.startMillis, HlsUrls.part(token, f.number, track, p.index),
            p.independent));
        partTarget = Math.max(partTarget, p.endMillis - p.startMillis);
      }
      String map = next != null && !java.util.Objects.equals(next.init(), last.init())
          ? HlsUrls.init(token, track, next.init()) : null;
      partial = new MediaPlaylist.Partial(map, next != null && next.discontinuity(),
          session.displayTimestamps() ? Instant.ofEpochMilli(f.kindMillis(session.kind())) : null, ps);
      hint = HlsUrls.part(token, f.number, track, tp.completeParts());
      any = true;
    } else if (session.mode() == PlaybackMode.LIVE_REPLAY) {
      any = false; // not at the live edge yet: parts would be of fragments the replay has not reached
    }
    if (!any) {
      return null;
    }
    List<MediaPlaylist.RenditionReport> reports = new ArrayList<>();
    for (int other : otherTracks) {
      Edge e = edge(t, other, parts);
      boolean open = e.openParts() > 0;
      reports.add(new MediaPlaylist.RenditionReport(HlsUrls.mediaPlaylist(token, other),
          open ? e.lastMsn() + 1 : e.lastMsn(), open ? e.openParts() - 1 : e.lastParts() - 1));
    }
    return new MediaPlaylist(targetDuration, mediaSequence, discontinuitySequence, false, false, withParts,
        new MediaPlaylist.LowLatency(partTarget, 0, partial, hint, reports));
  }

  /**
   * The parts of a complete segment of {@code lengthMillis} (its EXTINF): each lasts until the next
   * one starts, the last until the segment's end, so they add up to the segment. None when the
   * fragment's parts are not kept or do not fit that length.
   */
  static List<MediaPlaylist.Part> completeParts(String token, int track, LiveParts.Fragment f, long lengthMillis) {
    LiveParts.TrackParts tp = f == null || f.open ? null : f.track(track);
    if (tp == null || tp.parts.isEmpty() || tp.completeParts() != tp.parts.size()) {
      return List.of();
    }
    List<MediaPlaylist.Part> out = new ArrayList<>(tp.parts.size());
    for (int i = 0; i < tp.parts.size(); i++) {
      LiveParts.Part p = tp.parts.get(i);
      long end = i + 1 < tp.parts.size() ? tp.parts.get(i + 1).startMillis : lengthMillis;
      if (end <= p.startMillis) {
        return List.of();
      }
      out.add(new MediaPlaylist.Part(end - p.startMillis, HlsUrls.part(token, f.number, track, p.index),
          p.independent));
    }
    return out;
  }
}
