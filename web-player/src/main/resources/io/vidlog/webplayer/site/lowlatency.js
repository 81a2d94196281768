// What the player adds to hls.js for LL-HLS live playback (lowLatencyMode). The interop tests' page
// (HlsJsPage) loads this same file, so the tests play as the web player does.

/** Longest a media playlist waits for a part to be buffered (a part load hls.js dropped without an event). */
export const MAX_HOLD_MS = 1500;

/** hls.js playlist loader context types, and the playlist (fragment) type of their parts. */
const PART_TYPES = {level: 'main', audioTrack: 'audio'};

/**
 * Hands each media playlist to hls.js only once the part it is loading of that playlist's type has
 * been buffered.
 *
 * hls.js (1.4 to 1.7) keeps track of which fragments are buffered. When it buffers a part it marks
 * the part's fragment buffered whole if the buffer reaches to within 0.2 s of the fragment's end (its
 * fragment tracker's padding) and the fragment is complete in the playlist it has by then (has a URI;
 * one still in progress is never whole). A fragment's last part, 200 ms at 25 frames/s, is listed by
 * the same playlist update that completes the fragment (docs/wire-protocol.md §3.5, "Low-Latency HLS").
 * So when the next-to-last part is buffered after that update has been applied (a start-up's first
 * transmux, a busy machine: anything taking longer than the last part), hls.js takes the fragment for
 * whole, never requests its last part, and playback stalls at the hole until hls.js skips it and
 * raises its target latency by a second for the rest of the session.
 *
 * Holding the update until the part is buffered keeps that order. It costs no media latency: hls.js
 * loads a playlist's parts one after another, the next only once the one before is buffered.
 */
export class PartGate {
  /**
   * @param Base the loader class to extend (hls.js's {@code Hls.DefaultConfig.loader})
   * @param Events hls.js's {@code Hls.Events}
   */
  constructor(Base, Events, maxHoldMs = MAX_HOLD_MS) {
    this.events = Events;
    this.maxHoldMs = maxHoldMs;
    /** Per part type: whether a part is being loaded or appended. */
    this.loading = {main: false, audio: false};
    /** Per part type: playlists waiting for that part, in arrival order. */
    this.held = {main: [], audio: []};
    const gate = this;
    /** The {@code pLoader} to configure hls.js with. */
    this.loader = class extends Base {
      load(context, config, callbacks) {
        const type = PART_TYPES[context.type];
        const token = this.gateToken = {};
        if (type) {
          const onSuccess = callbacks.onSuccess;
          callbacks = Object.assign({}, callbacks, {
            onSuccess: (...args) => gate.deliver(type, () => this.gateToken === token && onSuccess(...args)),
          });
        }
        super.load(context, config, callbacks);
      }

      abort() {
        // hls.js gave up this request: a playlist held for it must not reach hls.js any more
        this.gateToken = null;
        super.abort();
      }
    };
  }

  /** Watches the part loads of {@code hls}; call right after {@code new Hls(...)}, before loading. */
  attach(hls) {
    const E = this.events;
    hls.on(E.FRAG_LOADING, (event, data) => this.started(data.frag && data.frag.type, !!data.part));
    // registered after hls.js's own listeners: its fragment tracker has seen the part buffered
    hls.on(E.FRAG_BUFFERED, (event, data) => this.ended(data.frag && data.frag.type));
    hls.on(E.ERROR, (event, data) => data.frag && this.ended(data.frag.type));
    hls.on(E.DESTROYING, () => {
      Object.keys(this.held).forEach(type => this.held[type].splice(0).forEach(h => clearTimeout(h.timer)));
    });
  }

  started(type, part) {
    if (type in this.loading) {
      this.loading[type] = part;
      if (!part) {
        this.release(type);
      }
    }
  }

  ended(type) {
    if (type in this.loading) {
      this.loading[type] = false;
      this.release(type);
    }
  }

  deliver(type, handOver) {
    if (!this.loading[type]) {
      handOver();
      return;
    }
    const held = {handOver};
    held.timer = setTimeout(() => {
      this.loading[type] = false;
      this.release(type);
    }, this.maxHoldMs);
    this.held[type].push(held);
  }

  release(type) {
    for (const held of this.held[type].splice(0)) {
      clearTimeout(held.timer);
      held.handOver();
    }
  }
}

/** How far behind its target latency a playing player may fall before it jumps forward (s). */
export const CATCH_UP_SLACK = 0.3;

/**
 * hls.js starts a live LL-HLS stream at PART-HOLD-BACK behind the playlist's end, but by the time its
 * first parts are loaded and playing the end has moved on (about 0.4 s here), and it only speeds up
 * to close that gap while more than 1 s is buffered ahead (its latency controller), which a player
 * under a second behind live never has: it would stay about 1 s behind for good. Once playing, a
 * player more than CATCH_UP_SLACK seconds behind its target latency jumps forward to it (hls.js's
 * liveMaxLatencyDuration; 'buffered' live sync mode keeps the jump within buffered media). The target
 * is hls.js's own: PART-HOLD-BACK, plus what hls.js adds after a stall; a bound from PART-HOLD-BACK
 * alone would lie below the raised target and make hls.js jump back to it on every playlist update.
 */
export function catchUpAfterStartUp(hls, video, details) {
  if (video.readyState >= 3 && details && details.live && details.partHoldBack > 0) {
    hls.config.liveMaxLatencyDuration = Math.max(hls.targetLatency || 0, details.partHoldBack) + CATCH_UP_SLACK;
  }
}
