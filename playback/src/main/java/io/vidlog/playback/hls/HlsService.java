package io.vidlog.playback.hls;

import io.vertx.core.Future;
import io.vidlog.fragmentstore.FragmentNumber;
import io.vidlog.fragmentstore.FragmentRecord;
import io.vidlog.fragmentstore.index.TimeIndex;
import io.vidlog.fragmentstore.index.TimeIndex.TimestampKind;
import io.vidlog.fragmentstore.streams.StreamInfo;
import io.vidlog.kvs.Invalid;
import io.vidlog.kvs.KvsError;
import io.vidlog.media.MediaFormatException;
import io.vidlog.media.fmp4.Fmp4Track;
import io.vidlog.media.fmp4.InitSegment;
import io.vidlog.media.fmp4.MediaSegment;
import io.vidlog.media.mkv.TrackEntry;
import io.vidlog.playback.request.HlsSessionRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the HLS URL family serves, without HTTP (docs/wire-protocol.md §3.5): sessions made from a
 * request, and for a verified session its master and media playlists, init segments and media
 * segments. Everything a response depends on comes from the session, the index, the live tail and
 * the fragments themselves, so any node serves any session.
 */
public final class HlsService {
  /** LIVE: ResourceNotFound when no fragment arrived within this long (KVS's rule). */
  static final long LIVE_QUIET_MILLIS = 30_000;
  /** KVS fragments last at most 10 s: the newest N fragments lie within N times that of the newest one. */
  static final long MAX_FRAGMENT_MILLIS = 10_000;
  private static final int PAGE = 1000;
  /**
   * LL-HLS part target: 200 ms, five frames at 25 fps, MediaMTX's default; with PART-HOLD-BACK at
   * three parts a player stays 0.6 s behind the newest part.
   */
  public static final long DEFAULT_PART_TARGET_MILLIS = 200;

  /**
   * A playlist request's delivery directives (draft-pantos-hls-rfc8216bis §6.2.5): {@code msn} null
   * when absent, {@code part} -1 when absent; {@code skip} asks for a delta update.
   */
  public record Directives(Long msn, int part, boolean skip) {
    public static final Directives NONE = new Directives(null, -1, false);
  }

  private final TimeIndex index;
  private final FragmentCatalog catalog;
  private final LiveTails tails;
  private final FragmentSource source;
  private final Timelines timelines;
  private final SegmentCache segments;
  private final Map<TrackSet, PlayableTracks> checked = Collections.synchronizedMap(new WeakHashMap<>());

  public HlsService(TimeIndex index, FragmentCatalog catalog, LiveTails tails, FragmentSource source,
      long timelineCapacity, long segmentCacheBytes) {
    this.index = index;
    this.catalog = catalog;
    this.tails = tails;
    this.source = source;
    this.timelines = new Timelines(timelineCapacity);
    this.segments = new SegmentCache(segmentCacheBytes);
  }

  /**
   * A session for {@code req} on {@code stream} at {@code nowMillis}: its first fragment found and its
   * tracks checked (NoDataRetention, ResourceNotFound, UnsupportedStreamMediaType,
   * MissingCodecPrivateData, InvalidCodecPrivateData as KVS answers them).
   */
  public Future<HlsSession> create(StreamInfo stream, HlsSessionRequest req, long nowMillis) {
    if (!stream.persists()) {
      return Future.failedFuture(KvsError.NO_DATA_RETENTION.exception("Stream " + stream.streamName()
          + " keeps no data (DataRetentionInHours is 0); HLS needs retained fragments"));
    }
    TimestampKind kind = req.selector().kind();
    Future<FragmentRecord> first = req.mode() == PlaybackMode.LIVE
        ? liveAnchor(stream, req.maxResults(), nowMillis)
        : rangeAnchor(stream, kind, req.startMillis(), req.endMillis());
    return first.compose(anchor -> catalog.get(stream, anchor.number()).map(info -> {
      playable(info.tracks());
      long start = req.mode() == PlaybackMode.LIVE ? anchor.serverTimestampMillis() : req.startMillis();
      return new HlsSession(stream.streamName(), stream.streamId(), req.mode(), kind, start, req.endMillis(),
          req.discontinuity(), req.displayTimestamps(), req.maxResults(), nowMillis,
          nowMillis + req.expiresSeconds() * 1000L, anchor.number(), req.protocol(), req.container(),
          req.displayNumbers());
    }));
  }

  /** LIVE: the oldest of the newest {@code max} fragments, index and live tail together. */
  private Future<FragmentRecord> liveAnchor(StreamInfo stream, int max, long nowMillis) {
    LiveTails.Tail tail = tails.tail(stream);
    return index.latest(stream).compose(latest -> {
      List<FragmentInfo> live = tail.after(latest == null ? null : latest.number());
      FragmentRecord newest = !live.isEmpty() ? live.get(live.size() - 1).record() : latest;
      long lastActivity = Math.max(tail.lastStartMillis(),
          newest == null ? Long.MIN_VALUE : newest.serverTimestampMillis() + newest.durationMillis());
      if (newest == null || nowMillis - lastActivity > LIVE_QUIET_MILLIS) {
        return Future.failedFuture(KvsError.RESOURCE_NOT_FOUND.exception("No fragments arrived on stream "
            + stream.streamName() + " in the last 30 seconds"));
      }
      long from = newest.serverTimestampMillis() - max * MAX_FRAGMENT_MILLIS;
      List<FragmentRecord> recent = new ArrayList<>();
      return page(stream, from, null, recent).map(v -> {
        for (FragmentInfo f : live) {
          recent.add(f.record());
        }
        recent.sort(Comparator.comparingLong(FragmentRecord::serverTimestampMillis)
            .thenComparing(FragmentRecord::number));
        return recent.get(Math.max(0, recent.size() - max));
      });
    });
  }

  /** ON_DEMAND, LIVE_REPLAY: the first fragment of the range (with producer timestamps, the newest of equals). */
  private Future<FragmentRecord> rangeAnchor(StreamInfo stream, TimestampKind kind, long start, Long end) {
    return index.range(stream, kind, start, end == null ? Long.MAX_VALUE : end, 50, null).compose(page -> {
      if (page.records().isEmpty()) {
        return Future.failedFuture(KvsError.RESOURCE_NOT_FOUND.exception("No fragments of stream "
            + stream.streamName() + " were found in the requested time range"));
      }
      FragmentRecord first = page.records().get(0);
      if (kind == TimestampKind.PRODUCER) {
        for (FragmentRecord r : page.records()) {
          if (r.producerTimestampMillis() == first.producerTimestampMillis() && r.number().compareTo(first.number()) > 0) {
            first = r;
          }
        }
      }
      return Future.succeededFuture(first);
    });
  }

  /** Every fragment from {@code from} (server timestamps) on, into {@code out}. */
  private Future<Void> page(StreamInfo stream, long from, String token, List<FragmentRecord> out) {
    return index.range(stream, TimestampKind.SERVER, from, Long.MAX_VALUE, PAGE, token).compose(p -> {
      out.addAll(p.records());
      return p.nextToken() == null ? Future.succeededFuture() : page(stream, from, p.nextToken(), out);
    });
  }

  /** The tracks of the session's first fragment. */
  private Future<PlayableTracks> playable(StreamInfo stream, HlsSession session) {
    return catalog.get(stream, session.anchor()).map(info -> playable(info.tracks()));
  }

  /**
   * {@link PlayableTracks#of}, once per tracks value: every request of a session checks its first
   * fragment's tracks, which the catalog hands out as the same value.
   */
  private PlayableTracks playable(TrackSet tracks) {
    return checked.computeIfAbsent(tracks, PlayableTracks::of);
  }

  /** The master playlist (docs/wire-protocol.md §3.5): one variant, an audio rendition when there is audio. */
  public Future<MasterPlaylist> master(StreamInfo stream, HlsSession session, String token) {
    return catalog.get(stream, session.anchor()).map(info -> {
      PlayableTracks p = playable(info.tracks());
      Fmp4Track video = p.video() == 0 ? null : p.track(p.video());
      String frameRate = null;
      if (video != null) {
        double fps = video.frameRate();
        if (!(fps > 0) && info.header().durationMillis() > 0 && info.frames(p.video()) > 1) {
          // no timing in the SPS: the fragment's frames over its duration
          fps = (info.frames(p.video()) - 1) * 1000.0 / info.header().durationMillis();
        }
        frameRate = Fmp4Track.hlsFrameRate(fps);
      }
      FragmentRecord r = info.record();
      long bandwidth = Math.max(1, r.sizeBytes() * 8 * 1000 / Math.max(1, r.durationMillis()));
      // MPEG-TS segments mux every track: one media playlist, no separate audio rendition
      boolean rendition = p.video() != 0 && p.audio() != 0 && session.container() == ContainerFormat.FRAGMENTED_MP4;
      return new MasterPlaylist(Fmp4Track.hlsCodecs(p.tracks()), video == null ? null : video.resolution(), frameRate,
          bandwidth, HlsUrls.mediaPlaylist(token, p.main()), rendition ? HlsUrls.mediaPlaylist(token, p.audio()) : null);
    });
  }

  /** The media playlist of a track at {@code nowMillis}, without delivery directives. */
  Future<SessionPlaylist> media(StreamInfo stream, HlsSession session, String token, int track, long nowMillis) {
    return media(stream, session, token, track, () -> nowMillis, Directives.NONE);
  }

  /**
   * The media playlist of a track; for a live session at the live edge, with its LL-HLS parts and
   * tags, held until it holds what the directives ask for (Blocking Playlist Reload: 400
   * InvalidArgumentException when that is too far ahead, 503 when it does not come within three
   * target durations), and as a delta update when asked (draft-pantos-hls-rfc8216bis §6.2.5).
   * Live playlists are rendered once for all the sessions that list the same ({@link SharedPlaylist});
   * a held request is released without asking the index: what released it is in the live tail.
   */
  Future<SessionPlaylist> media(StreamInfo stream, HlsSession session, String token, int track,
      java.util.function.LongSupplier clock, Directives directives) {
    return catalog.get(stream, session.anchor()).compose(anchor -> {
      PlayableTracks p = playable(anchor.tracks());
      if (!p.numbers().contains(track) || (session.container() == ContainerFormat.MPEG_TS && track != p.main())) {
        return Future.failedFuture(noTrack(track));
      }
      Timeline t = timeline(stream, session, token, anchor, p);
      LiveParts parts = session.container() == ContainerFormat.FRAGMENTED_MP4 && t.tail() != null
          && session.mode() != PlaybackMode.ON_DEMAND ? t.tail().parts() : null;
      List<Integer> others = new ArrayList<>(p.numbers());
      others.remove(Integer.valueOf(track));
      return t.advance(clock.getAsLong()).compose(v -> {
        if (parts == null || directives.msn() == null) {
          return Future.succeededFuture();
        }
        MediaPlaylist now;
        LowLatencyView.Edge edge;
        synchronized (parts) {
          now = shared(session, track, t, parts, others, false).template();
          edge = LowLatencyView.edge(t, track, parts);
        }
        if (now.lowLatency() == null) {
          return Future.succeededFuture(); // a server that does not offer blocking reload ignores the directives
        }
        long msn = directives.msn();
        int part = directives.part();
        if (edge.tooFar(msn, part, LowLatencyView.advancePartLimit(now.lowLatency().partTargetMillis()))) {
          return Future.failedFuture(Invalid.field(part < 0 ? "_HLS_msn" : "_HLS_part", "asks for segment " + msn
              + (part < 0 ? "" : " part " + part) + ", too far after the playlist's last segment " + edge.lastMsn()
              + " and part " + (edge.openParts() - 1) + " (draft-pantos-hls-rfc8216bis §6.2.5.2)"));
        }
        long deadline = clock.getAsLong() + 3000L * now.targetDuration();
        return parts.hold(() -> LowLatencyView.edge(t, track, parts).reached(msn, part), deadline).compose(reached ->
            reached ? t.advanceFromTail(clock.getAsLong())
                : Future.failedFuture(KvsError.SERVICE_UNAVAILABLE.exception("Segment " + msn
                    + (part < 0 ? "" : " part " + part) + " did not arrive within three target durations")));
      }).map(v -> {
        SharedPlaylist playlist;
        if (parts == null) {
          playlist = SharedPlaylist.of(render(session, SharedPlaylist.TOKEN, track, t));
        } else {
          synchronized (parts) {
            playlist = shared(session, track, t, parts, others, directives.skip());
          }
        }
        return new SessionPlaylist(playlist, token);
      });
    });
  }

  /**
   * Everything a live media playlist's rendering reads besides the session token and the stream's
   * live parts (which {@link LiveParts#rendering} keys by their own changes): sessions with equal
   * keys list the same.
   */
  private record RenderKey(int track, List<Integer> others, PlaybackMode mode, TimestampKind kind,
      boolean displayTimestamps, DiscontinuityMode discontinuity, FragmentNumber anchor, List<Lane.Entry> window,
      List<Lane.Entry> otherLasts, boolean complete, boolean skip) {}

  /**
   * A live session's playlist of a track, full or as a delta update ({@code skip}), from the rendering
   * every session with the same key shares (the caller holds the parts' lock; the timeline is held
   * still while its key is read and the playlist rendered).
   */
  private static SharedPlaylist shared(HlsSession session, int track, Timeline t, LiveParts parts,
      List<Integer> others, boolean skip) {
    return t.still(() -> {
      List<Lane.Entry> otherLasts = new ArrayList<>(others.size());
      for (int o : others) {
        otherLasts.add(t.last(o));
      }
      RenderKey key = new RenderKey(track, others, session.mode(), session.kind(), session.displayTimestamps(),
          session.discontinuity(), session.anchor(), t.window(track), otherLasts, t.complete(), skip);
      return parts.rendering(key, () -> {
        MediaPlaylist playlist = render(session, SharedPlaylist.TOKEN, track, t, parts, others);
        return SharedPlaylist.of(skip && playlist.lowLatency() != null && playlist.skippable() > 0
            ? playlist.delta(playlist.skippable()) : playlist);
      });
    });
  }

  /** The live part of a fragment's track, for a LIVE or LIVE_REPLAY fMP4 session; null for others. */
  LiveParts parts(StreamInfo stream, HlsSession session) {
    if (session.container() != ContainerFormat.FRAGMENTED_MP4 || session.mode() == PlaybackMode.ON_DEMAND
        || session.protocol() != SessionProtocol.HLS) {
      return null;
    }
    return tails.tail(stream).parts();
  }

  /**
   * The DASH manifest of a session at {@code nowMillis} (docs/wire-protocol.md §3.6): the same
   * fragments, per track, as the HLS media playlists of the session would list, with the fMP4
   * segments' URLs.
   */
  public Future<DashManifest> manifest(StreamInfo stream, HlsSession session, String token, long nowMillis) {
    return catalog.get(stream, session.anchor()).compose(anchor -> {
      PlayableTracks p = playable(anchor.tracks());
      Timeline t = timeline(stream, session, token, anchor, p);
      FragmentRecord r0 = anchor.record();
      long bandwidth = Math.max(1, r0.sizeBytes() * 8 * 1000 / Math.max(1, r0.durationMillis()));
      return t.advance(nowMillis).map(v -> {
        List<DashManifest.Track> tracks = new ArrayList<>();
        for (int number : p.numbers()) {
          Fmp4Track track = p.track(number);
          List<DashManifest.Segment> segments = new ArrayList<>();
          for (Lane.Entry e : t.window(number)) {
            FragmentRecord r = e.record();
            segments.add(new DashManifest.Segment(session.kindMillis(r), e.lengthMillis(),
                HlsUrls.fragment(token, r.number(), number), session.displayNumbers() ? r.number().value() : null,
                session.displayTimestamps() ? session.kindMillis(r) : null));
          }
          tracks.add(new DashManifest.Track(number, track.isVideo(), track.codecString(), bandwidth,
              track.isVideo() ? track.description().width() : 0, track.isVideo() ? track.description().height() : 0,
              track.isVideo() ? 0 : track.description().sampleRate(), HlsUrls.init(token, number, null), segments));
        }
        return new DashManifest(session.mode() != PlaybackMode.ON_DEMAND && !t.complete(),
            Instant.ofEpochMilli(nowMillis), tracks);
      });
    });
  }

  /** The session's timeline: a new one for ON_DEMAND (its playlists never change), else the node's, by token. */
  private Timeline timeline(StreamInfo stream, HlsSession session, String token, FragmentInfo anchor,
      PlayableTracks p) {
    if (session.mode() == PlaybackMode.ON_DEMAND) {
      return new Timeline(session, stream, index, catalog, null, anchor.tracks(), p.numbers());
    }
    // asking for the tail also keeps the stream's live subscription while sessions poll
    LiveTails.Tail tail = tails.tail(stream);
    return timelines.get(token, () -> new Timeline(session, stream, index, catalog, tail, anchor.tracks(),
        p.numbers()));
  }

  /** The playlist with its LL-HLS parts and tags when they apply (the caller holds the parts' lock). */
  private static MediaPlaylist render(HlsSession session, String token, int track, Timeline t, LiveParts parts,
      List<Integer> others) {
    MediaPlaylist plain = render(session, token, track, t);
    if (plain.ended() || !parts.cuts(track) || others.stream().anyMatch(o -> !parts.cuts(o))) {
      // all the session's renditions are LL-HLS or none: a player blocks on each playlist alike, and
      // one track's plain segments (B-frames) would hold back the other's parts anyway
      return plain;
    }
    MediaPlaylist ll = LowLatencyView.lowLatency(session, token, track, t, parts, t.window(track), plain.segments(),
        others, plain.targetDuration(), plain.mediaSequence(), plain.discontinuitySequence());
    return ll == null ? plain : ll;
  }

  private static MediaPlaylist render(HlsSession session, String token, int track, Timeline t) {
    List<Lane.Entry> window = t.window(track);
    List<MediaPlaylist.Segment> segments = new ArrayList<>(window.size());
    FragmentNumber previousInit = null;
    for (int i = 0; i < window.size(); i++) {
      Lane.Entry e = window.get(i);
      boolean newInit = i == 0 || !java.util.Objects.equals(e.init(), previousInit);
      previousInit = e.init();
      FragmentRecord r = e.record();
      boolean ts = session.container() == ContainerFormat.MPEG_TS;
      // a transport stream segment carries its parameter sets: no initialization section (RFC 8216 §4.3.2.5)
      segments.add(new MediaPlaylist.Segment(newInit && !ts ? HlsUrls.init(token, track, e.init()) : null,
          i > 0 && e.discontinuity(),
          session.displayTimestamps() ? Instant.ofEpochMilli(session.kindMillis(r)) : null,
          e.lengthMillis(), ts ? HlsUrls.tsFragment(token, r.number()) : HlsUrls.fragment(token, r.number(), track)));
    }
    long sequence = window.isEmpty() ? 0 : window.get(0).mediaSequence();
    long discontinuity = window.isEmpty() ? 0 : window.get(0).discontinuitySequence();
    boolean onDemand = session.mode() == PlaybackMode.ON_DEMAND;
    return new MediaPlaylist(MediaPlaylist.targetDurationFor(segments), sequence, discontinuity, onDemand,
        !onDemand && t.complete(), segments);
  }

  /**
   * The init segment of a track: of the session's first fragment, or of {@code from}, a fragment of
   * the session where the track's codec private data changed.
   */
  public Future<byte[]> init(StreamInfo stream, HlsSession session, int track, FragmentNumber from) {
    Future<FragmentNumber> which = from == null ? Future.succeededFuture(session.anchor())
        : record(stream, session, from).map(FragmentRecord::number);
    return playable(stream, session).compose(p -> {
      if (!p.numbers().contains(track)) {
        return Future.failedFuture(noTrack(track));
      }
      return which.compose(n -> catalog.get(stream, n)).map(info -> {
        TrackEntry entry = info.tracks().entry(track);
        if (entry == null) {
          throw noTrack(track);
        }
        try {
          return InitSegment.write(List.of(Fmp4Track.of(entry)));
        } catch (MediaFormatException e) {
          throw (RuntimeException) asKvs(e);
        }
      });
    });
  }

  /** The media segment of one track of one fragment of the session. */
  public Future<MediaSegment> fragment(StreamInfo stream, HlsSession session, FragmentNumber number, int track) {
    return playable(stream, session).compose(p -> {
      if (!p.numbers().contains(track)) {
        return Future.failedFuture(noTrack(track));
      }
      return record(stream, session, number);
    }).compose(r -> {
      if (track > 32 || (r.trackMask() & (1 << (track - 1))) == 0) {
        return Future.failedFuture(KvsError.RESOURCE_NOT_FOUND.exception("Fragment " + number.value()
            + " has no frames of track " + track));
      }
      return segments.get(new SegmentCache.Key(stream.streamId(), number, track, session.kind()),
          () -> build(stream, session, r, track));
    });
  }

  /**
   * The fragment as one MPEG-TS segment, every playable track muxed (ContainerFormat MPEG_TS), on
   * the session's clock exactly as its fMP4 segments would be.
   */
  public Future<byte[]> tsFragment(StreamInfo stream, HlsSession session, FragmentNumber number) {
    if (session.container() != ContainerFormat.MPEG_TS) {
      return Future.failedFuture(Invalid.field("SessionToken", "must be a session with ContainerFormat MPEG_TS"));
    }
    return playable(stream, session).compose(p -> record(stream, session, number)).compose(r -> {
      return source.readTs(stream, number).transform(ar -> {
        if (ar.failed()) {
          return Future.failedFuture(asKvs(ar.cause()));
        }
        TsRepackaging f = ar.result();
        try {
          if (!f.hasFrames()) {
            throw KvsError.RESOURCE_NOT_FOUND.exception("Fragment " + number.value() + " has no frames");
          }
          return Future.succeededFuture(f.segment(session.kindMillis(r)));
        } catch (RuntimeException e) {
          return Future.failedFuture(asKvs(e));
        } finally {
          f.release();
        }
      });
    });
  }

  private Future<SegmentCache.Built> build(StreamInfo stream, HlsSession session, FragmentRecord r, int track) {
    FragmentNumber number = r.number();
    return source.read(stream, number, track).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(asKvs(ar.cause()));
      }
      FragmentRepackaging f = ar.result();
      try {
        if (!f.hasFrames()) {
          throw KvsError.RESOURCE_NOT_FOUND.exception("Fragment " + number.value() + " has no frames of track "
              + track);
        }
        // mfhd numbers only need to increase from segment to segment: the start in ms does
        return Future.succeededFuture(new SegmentCache.Built(f.segment(r.serverTimestampMillis() & 0xFFFFFFFFL,
            session.kindMillis(r)), f));
      } catch (RuntimeException e) {
        f.release();
        return Future.failedFuture(asKvs(e));
      }
    });
  }

  /**
   * What a failure to repackage means to a player: a stored fragment that cannot be repackaged is
   * the KVS error for its media; too many fragments held at once is a 503 to retry.
   */
  static Throwable asKvs(Throwable t) {
    if (!(t instanceof MediaFormatException m)) {
      return t;
    }
    return switch (m.kind()) {
      case OVER_BUDGET -> KvsError.SERVICE_UNAVAILABLE.exception("Too many fragments are being repackaged;"
          + " retry shortly");
      case UNSUPPORTED -> KvsError.UNSUPPORTED_STREAM_MEDIA_TYPE.exception(m.getMessage());
      case MALFORMED -> m.format() == MediaFormatException.Format.MKV || m.format() == MediaFormatException.Format.EBML
          ? KvsError.INVALID_MEDIA_FRAME.exception(m.getMessage())
          : KvsError.INVALID_CODEC_PRIVATE_DATA.exception(m.getMessage());
    };
  }

  /** A fragment of the session: in the index or the live tail, and within the session's range. */
  private Future<FragmentRecord> record(StreamInfo stream, HlsSession session, FragmentNumber number) {
    return index.get(stream, number).map(r -> {
      if (r == null && session.mode() != PlaybackMode.ON_DEMAND) {
        FragmentInfo live = tails.tail(stream).get(number);
        r = live == null ? null : live.record();
      }
      if (r == null || !session.inRange(r)) {
        throw KvsError.RESOURCE_NOT_FOUND.exception("Fragment " + number.value() + " is not part of this session");
      }
      return r;
    });
  }

  private static RuntimeException noTrack(int track) {
    return Invalid.field("TrackNumber", "must name a track of the session (" + track + " is not one)");
  }

  /** How many live timelines this node keeps (for tests and metrics). */
  public int timelines() {
    return timelines.size();
  }
}
