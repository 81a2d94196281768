// The watch view: live (LL-HLS when the server offers it, through hls.js's lowLatencyMode) or from a
// point in time (a LIVE_REPLAY session: plays from there at real pace, then follows live), the
// timeline of what was recorded, the fragment on screen with its metadata, and downloads.
import {call, explain, isPolicyRefusal, ApiError} from './api.js';
import {downloadRange} from './download.js';
import {bytes, duration, localTime, toLocalInput, fromLocalInput} from './format.js';
import {readTags} from './mkvtags.js';
import {PartGate, catchUpAfterStartUp} from './lowlatency.js';
import {Timeline} from './timeline.js';

const $ = id => document.getElementById(id);
/** How long a session URL lives; a 403 before that (or after) gets a new one silently. */
const SESSION_SECONDS = 3600;
/** Most ListFragments pages read for one window (1000 fragments each); the rest waits for a zoom. */
const MAX_PAGES = 20;
/** Most fragments kept in memory for the timeline. */
const MAX_KNOWN = 100_000;
/** A stream is shown as live while its newest fragment is this recent. */
const LIVE_WINDOW_MS = 10_000;
/** H.265 codec strings (ISO/IEC 14496-15 sample entries hvc1 and hev1). */
const HEVC = /^(hvc1|hev1)/;

const Mode = Object.freeze({NONE: 'none', LIVE: 'live', REPLAY: 'replay'});

export class Watch {
  constructor({onJump}) {
    this.onJump = onJump;
    this.video = $('video');
    this.mode = Mode.NONE;
    this.hls = null;
    this.stream = null;
    this.fragments = new Map();
    this.timeline = new Timeline($('timeline'), {
      onSeek: t => this.onJump(this.stream, t),
      onWindow: (from, to) => this.loadWindow(from, to),
    });
    this.metaCache = new Map();
    this.ticker = null;
    this.generation = 0;
    $('go-live').addEventListener('click', () => this.onJump(this.stream, null));
    $('jump-form').addEventListener('submit', e => {
      e.preventDefault();
      const t = fromLocalInput($('jump-at').value);
      if (isFinite(t)) {
        this.onJump(this.stream, t);
      }
    });
    $('download').addEventListener('click', () => this.download());
    this.video.addEventListener('error', () => {
      if (!this.hls && this.video.error) {
        this.fail('The browser could not play this stream (' + (this.video.error.message || 'media error') + ').');
      }
    });
  }

  /** Shows stream `name`, live (at == null) or from time `at` (epoch ms). */
  async open(name, at) {
    const sameStream = this.stream === name;
    this.stream = name;
    const gen = ++this.generation;
    $('watch-title').textContent = name;
    document.title = name + ' · vidlog';
    this.message('');
    if (!sameStream) {
      this.fragments.clear();
      this.clearFragmentInfo();
      const now = Date.now();
      const from = at == null ? now - 3600_000 : Math.min(at - 1800_000, now - 3600_000);
      this.timeline.setWindow(from, at == null ? now : Math.min(now, at + 1800_000), true);
      this.describe(name, gen);
      this.loadWindow(this.timeline.from, this.timeline.to);
    }
    $('jump-at').value = toLocalInput(at == null ? Date.now() - 60_000 : at);
    if (at == null) {
      await this.start(Mode.LIVE, null, gen);
    } else {
      this.timeline.setPlayhead(at);
      await this.start(Mode.REPLAY, at, gen);
    }
    this.startTicker();
  }

  close() {
    this.generation++;
    this.stopPlayer();
    clearInterval(this.ticker);
    this.ticker = null;
    this.mode = Mode.NONE;
    this.stream = null;
  }

  async describe(name, gen) {
    try {
      const d = await call('/describeStream', {StreamName: name});
      if (gen !== this.generation) {
        return;
      }
      const info = d.StreamInfo || {};
      this.mediaType = info.MediaType || '';
      if (/h\.?265|hevc/i.test(this.mediaType) && !hevcPlayable()) {
        this.fail(codecMessage('H.265'));
      }
    } catch (e) {
      if (gen === this.generation && !(e instanceof ApiError && isPolicyRefusal(e))) {
        // DescribeStream is only a hint (the media type); playback errors say the rest
        console.debug('describeStream', e);
      }
    }
  }

  /** Asks for a session URL and plays it; `at` is the replay start. */
  async start(mode, at, gen) {
    this.stopPlayer();
    this.mode = mode;
    this.renderBadge();
    let url;
    try {
      url = await this.sessionUrl(mode, at);
    } catch (e) {
      if (gen !== this.generation) {
        return;
      }
      this.failCall(e, mode, at);
      if (mode === Mode.LIVE && e instanceof ApiError && e.type === 'ResourceNotFoundException') {
        // an idle stream: try again while the viewer stays
        setTimeout(() => gen === this.generation && this.mode === Mode.LIVE && this.start(mode, null, gen), 5000);
      }
      return;
    }
    if (gen !== this.generation) {
      return;
    }
    this.play(url, mode === Mode.LIVE, gen);
  }

  async sessionUrl(mode, at) {
    const selector = {FragmentSelectorType: 'PRODUCER_TIMESTAMP'};
    if (mode === Mode.REPLAY) {
      selector.TimestampRange = {StartTimestamp: at / 1000};
    }
    const r = await call('/getHLSStreamingSessionURL', {
      StreamName: this.stream, PlaybackMode: mode === Mode.LIVE ? 'LIVE' : 'LIVE_REPLAY',
      HLSFragmentSelector: selector, ContainerFormat: 'FRAGMENTED_MP4', DisplayFragmentTimestamp: 'ALWAYS',
      Expires: SESSION_SECONDS,
    });
    // the token is valid on every node: play it from the origin this page came from
    const u = new URL(r.HLSStreamingSessionURL, location.href);
    return u.pathname + u.search;
  }

  play(url, live, gen) {
    const video = this.video;
    this.recovered = false;
    if (window.Hls && window.Hls.isSupported()) {
      // media playlists reach hls.js between its part loads (PartGate: else a fragment's last part can be skipped)
      const gate = new PartGate(window.Hls.DefaultConfig.loader, window.Hls.Events);
      // no liveSync* here: a user setting would override the LL-HLS playlist's PART-HOLD-BACK (hls.js
      // latency controller); plain-HLS playlists get theirs in holdBackForPlainHls
      const hls = new window.Hls({
        pLoader: gate.loader,
        lowLatencyMode: live,
        // catch up with the live edge gently: a faster rate empties the short live buffer into stalls
        maxLiveSyncPlaybackRate: 1.25,
        // a jump to the live edge (catchUpAfterStartUp) lands only on media already buffered
        liveSyncMode: 'buffered',
        backBufferLength: 60,
        manifestLoadingMaxRetry: 2,
        levelLoadingMaxRetry: 4,
        fragLoadingMaxRetry: 4,
      });
      this.hls = hls;
      gate.attach(hls);
      const E = window.Hls.Events;
      hls.on(E.MANIFEST_LOADED, (ev, data) => this.checkCodecs(data.levels || []));
      hls.on(E.LEVEL_LOADED, (ev, data) => live && holdBackForPlainHls(hls, data.details));
      hls.on(E.LEVEL_UPDATED, (ev, data) => live && catchUpAfterStartUp(hls, video, data.details));
      hls.on(E.ERROR, (ev, data) => gen === this.generation && this.hlsError(data, gen));
      hls.on(E.FRAG_CHANGED, (ev, data) => gen === this.generation && this.fragmentOnScreen(data.frag));
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      // Safari: its own HLS (LL-HLS included) plays the same URL
      video.src = url;
    } else {
      this.fail('This browser can play neither HLS nor Media Source Extensions video.');
      return;
    }
    video.muted = true;
    video.play().catch(() => this.message('Press play to start the video.', 'info'));
  }

  stopPlayer() {
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    }
    this.video.removeAttribute('src');
    this.video.load();
    delete this.video.dataset.fatal;
  }

  checkCodecs(levels) {
    for (const l of levels) {
      const codec = l.videoCodec || (l.attrs && l.attrs.CODECS) || '';
      if (codec && window.MediaSource && !MediaSource.isTypeSupported('video/mp4; codecs="' + codec + '"')) {
        this.fail(codecMessage(HEVC.test(codec) ? 'H.265 (' + codec + ')' : codec));
        return;
      }
    }
  }

  hlsError(data, gen) {
    if (!data.fatal) {
      return;
    }
    const H = window.Hls;
    const status = data.response && data.response.code;
    if (data.type === H.ErrorTypes.NETWORK_ERROR && status === 403) {
      // the session URL expired (or its token was refused): a new one, from where the viewer is
      this.renew(gen);
      return;
    }
    if (data.details === H.ErrorDetails.MANIFEST_INCOMPATIBLE_CODECS_ERROR
        || data.details === H.ErrorDetails.BUFFER_ADD_CODEC_ERROR
        || data.details === 'bufferIncompatibleCodecsError') {
      this.fail(codecMessage(this.mediaType || 'this codec'));
      return;
    }
    if (data.type === H.ErrorTypes.NETWORK_ERROR && status === 404) {
      this.fail(this.mode === Mode.LIVE ? 'The stream is idle: nothing has arrived recently. Pick a time on the '
          + 'timeline to watch what was recorded.' : 'No video was recorded at that time.');
      return;
    }
    if (data.type === H.ErrorTypes.MEDIA_ERROR && !this.recovered) {
      this.recovered = true;
      this.hls.recoverMediaError();
      return;
    }
    this.fail('Playback stopped: ' + data.details + (status ? ' (HTTP ' + status + ')' : '') + '.');
  }

  async renew(gen) {
    const at = this.mode === Mode.LIVE ? null : this.playingTime();
    try {
      const url = await this.sessionUrl(this.mode, at);
      if (gen === this.generation) {
        this.stopPlayer();
        this.play(url, this.mode === Mode.LIVE, gen);
      }
    } catch (e) {
      if (gen === this.generation) {
        this.failCall(e, this.mode, at);
      }
    }
  }

  failCall(e, mode, at) {
    if (e instanceof ApiError && e.type === 'ResourceNotFoundException') {
      this.fail(mode === Mode.LIVE
        ? 'The stream is idle: nothing has arrived recently. Pick a time on the timeline to watch what was recorded.'
        : 'No video was recorded at ' + localTime(at) + ' or after it.');
    } else if (e instanceof ApiError && e.type === 'UnsupportedOperationException') {
      this.fail('This server does not serve HLS video yet; the timeline, fragment details and downloads work.');
    } else if (e instanceof ApiError && e.type === 'SessionEnded') {
      // the sign-in view takes over
    } else {
      this.fail(explain(e, 'Starting playback'));
    }
  }

  fail(text) {
    this.video.dataset.fatal = text;
    this.message(text, 'error');
  }

  message(text, kind = 'info') {
    const m = $('player-message');
    m.textContent = text;
    m.hidden = !text;
    m.dataset.kind = kind;
  }

  /** The producer time of the frame on screen (PROGRAM-DATE-TIME), or null. */
  playingTime() {
    if (this.hls && this.hls.playingDate) {
      return this.hls.playingDate.getTime();
    }
    const v = this.video;
    if (v.getStartDate) {
      const start = v.getStartDate().getTime();
      if (isFinite(start) && start > 0) {
        return start + v.currentTime * 1000;
      }
    }
    return null;
  }

  startTicker() {
    if (this.ticker) {
      return;
    }
    let lastRefresh = 0;
    this.ticker = setInterval(() => {
      const at = this.playingTime();
      this.timeline.setPlayhead(at);
      const lat = $('latency');
      if (at != null) {
        lat.dataset.playingMs = String(Math.round(at));
      } else {
        delete lat.dataset.playingMs;
      }
      // hls.js's playingDate can be off for one tick when LL-HLS parts switch fragments (it maps the
      // time through a fragment that does not yet hold it): a live reading that jumps by seconds from
      // the last one is shown only when the next tick confirms it
      const ms = at == null ? null : Date.now() - at;
      const jump = ms != null && this.lastLatency != null && Math.abs(ms - this.lastLatency) > 3000
          && !this.jumpSeen;
      this.jumpSeen = jump;
      if (!jump) {
        this.lastLatency = ms;
      }
      if (at != null && this.mode === Mode.LIVE && jump) {
        // keep the previous reading
      } else if (at != null && this.mode === Mode.LIVE) {
        lat.textContent = 'latency ' + (ms / 1000).toFixed(2) + ' s';
        lat.dataset.ms = String(Math.round(ms));
      } else if (at != null) {
        lat.textContent = localTime(at);
        delete lat.dataset.ms;
      } else {
        lat.textContent = '';
        delete lat.dataset.ms;
      }
      this.renderBadge(at);
      this.followPlayhead();
      // while the window shows now, new fragments are added to it every few seconds
      const now = Date.now();
      if (now - lastRefresh > 4000 && this.timeline.to > now - 60_000) {
        lastRefresh = now;
        const to = this.timeline.to;
        this.timeline.setWindow(this.timeline.from + (now - to), now, true);
        this.loadWindow(Math.max(this.timeline.from, now - 120_000), now, true);
      }
    }, 500);
  }

  renderBadge(at) {
    const b = $('badge');
    b.dataset.mode = this.mode;
    if (this.mode === Mode.LIVE) {
      const behind = at != null && Date.now() - at > 15_000;
      b.textContent = behind ? 'LIVE · behind' : 'LIVE';
    } else if (this.mode === Mode.REPLAY) {
      b.textContent = 'REPLAY';
    } else {
      b.textContent = '';
    }
  }

  /** Lists the fragments of a window into the timeline (paged; bounded by MAX_PAGES). */
  async loadWindow(from, to, incremental = false) {
    const gen = this.generation;
    const name = this.stream;
    let token = null;
    let pages = 0;
    let note = '';
    try {
      do {
        const body = token ? {StreamName: name, NextToken: token, MaxResults: 1000} : {StreamName: name, MaxResults: 1000,
          FragmentSelector: {FragmentSelectorType: 'PRODUCER_TIMESTAMP',
            TimestampRange: {StartTimestamp: from / 1000, EndTimestamp: to / 1000}}};
        const r = await call('/listFragments', body);
        if (gen !== this.generation) {
          return;
        }
        if (this.fragments.size > MAX_KNOWN) {
          // a long session of zooming and panning: keep memory bounded, the window reloads what it shows
          this.fragments.clear();
        }
        for (const f of r.Fragments || []) {
          this.fragments.set(f.FragmentNumber, {
            number: f.FragmentNumber, start: f.ProducerTimestamp * 1000, server: f.ServerTimestamp * 1000,
            duration: f.FragmentLengthInMilliseconds, size: f.FragmentSizeInBytes,
          });
        }
        token = r.NextToken;
        pages++;
      } while (token && pages < MAX_PAGES);
      if (token) {
        note = 'more than ' + (MAX_PAGES * 1000) + ' fragments: zoom in to see them all';
      }
    } catch (e) {
      if (gen === this.generation) {
        note = e instanceof ApiError && isPolicyRefusal(e) ? 'your key may not list fragments of this stream'
            : explain(e, 'Listing fragments');
      }
    }
    if (gen !== this.generation) {
      return;
    }
    const sorted = [...this.fragments.values()].sort((a, b) => a.start - b.start);
    this.timeline.setFragments(sorted, note || (incremental ? this.timeline.note : ''));
    // the fragment on screen may have been stored since it came on screen (live)
    const onScreen = this.fragments.get($('frag-number').textContent);
    if (onScreen) {
      this.showFragment(onScreen);
    }
  }

  clearFragmentInfo() {
    for (const id of ['frag-number', 'frag-producer', 'frag-server', 'frag-duration', 'frag-size']) {
      $(id).textContent = '—';
    }
    $('frag-meta').replaceChildren(row('—', ''));
  }

  /**
   * The fragment at the playhead, from hls.js's playlist: FRAG_CHANGED alone is not enough, hls.js
   * does not raise it when playback moves to another fragment through LL-HLS parts.
   */
  followPlayhead() {
    const hls = this.hls;
    const level = hls && hls.levels ? hls.levels[hls.currentLevel >= 0 ? hls.currentLevel : hls.loadLevel] : null;
    const details = level && level.details;
    if (!details) {
      return;
    }
    const t = this.video.currentTime;
    const at = s => s && s.url && s.start <= t && t < s.start + s.duration;
    const seg = (details.fragments || []).find(at) || (details.partList || []).find(at);
    if (!seg) {
      return;
    }
    let number = null;
    try {
      number = new URL(seg.url, location.href).searchParams.get('FragmentNumber');
    } catch (e) {
      number = null;
    }
    if (number && number !== $('frag-number').textContent) {
      this.fragmentOnScreen(seg);
    }
  }

  /** hls.js moved to another fragment: its number comes from the media URL (KVS's FragmentNumber parameter). */
  async fragmentOnScreen(frag, attempt = 0) {
    let number = null;
    try {
      number = new URL(frag.url, location.href).searchParams.get('FragmentNumber');
    } catch (e) {
      number = null;
    }
    $('frag-number').textContent = number || '—';
    $('frag-producer').textContent = frag.programDateTime ? localTime(frag.programDateTime, true) : '—';
    const known = number && this.fragments.get(number);
    if (known) {
      this.showFragment(known);
    }
    if (!number) {
      return;
    }
    const gen = this.generation;
    let meta = this.metaCache.get(number);
    if (!meta) {
      try {
        const resp = await call('/getMediaForFragmentList', {StreamName: this.stream, Fragments: [number]}, {raw: true});
        meta = await readTags(resp);
        if (meta.kvs.AWS_KINESISVIDEO_ERROR_CODE === 'FRAGMENT_NOT_FOUND') {
          // live (LL-HLS parts) plays a fragment before it is stored, and it is stored only about a
          // second before it leaves the screen: ask again often while it is on screen (up to 15 s)
          if (attempt < 60) {
            setTimeout(() => {
              if (gen === this.generation && $('frag-number').textContent === number) {
                this.fragmentOnScreen(frag, attempt + 1);
              }
            }, 250);
          }
          return;
        }
        if (this.metaCache.size > 200) {
          this.metaCache.clear();
        }
        this.metaCache.set(number, meta);
      } catch (e) {
        if (gen === this.generation && $('frag-number').textContent === number) {
          $('frag-meta').replaceChildren(row(isPolicyRefusal(e) ? 'Your key may not read fragments of this stream.'
              : explain(e, 'Reading the fragment'), ''));
        }
        return;
      }
    }
    if (gen !== this.generation || $('frag-number').textContent !== number) {
      return;
    }
    if (!known && meta.kvs.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP) {
      $('frag-producer').textContent = localTime(parseFloat(meta.kvs.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP) * 1000, true);
      $('frag-server').textContent = localTime(parseFloat(meta.kvs.AWS_KINESISVIDEO_SERVER_TIMESTAMP) * 1000, true);
    }
    $('frag-meta').replaceChildren(...(meta.producer.length ? meta.producer.map(t => row(t.name, t.value))
        : [row('none', '')]));
  }

  showFragment(f) {
    $('frag-producer').textContent = localTime(f.start, true);
    $('frag-server').textContent = localTime(f.server, true);
    $('frag-duration').textContent = duration(f.duration);
    $('frag-size').textContent = bytes(f.size);
  }

  /** Downloads the fragments that start in the visible window: an MP4 clip (download.js). */
  download() {
    return downloadRange({stream: this.stream, from: this.timeline.from, to: this.timeline.to,
      fragments: [...this.fragments.values()], status: $('download-status')});
  }
}

/**
 * A live playlist without LL-HLS parts or a HOLD-BACK (RFC 8216bis §4.4.3.8) would make hls.js stay
 * three target durations behind its end. vidlog lists a fragment the moment it ends, so the player
 * can stay one target duration behind (the closest hls.js goes without parts) and still have the
 * next fragment in time; LL-HLS playlists keep the server's PART-HOLD-BACK.
 */
function holdBackForPlainHls(hls, details) {
  if (details && details.live && !details.partTarget && !details.holdBack) {
    hls.config.liveSyncDuration = details.targetduration;
  }
}

function row(name, value) {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = name;
  const td = document.createElement('td');
  td.textContent = value;
  tr.append(th, td);
  return tr;
}

function hevcPlayable() {
  return !!(window.MediaSource && MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"'))
      || document.createElement('video').canPlayType('video/mp4; codecs="hvc1.1.6.L93.B0"') !== '';
}

function codecMessage(codec) {
  return 'This browser cannot play ' + codec + ' video. Safari and Edge on hardware with H.265 decoding can; '
      + 'or download the visible range and play it in a desktop player.';
}

export {LIVE_WINDOW_MS};
