// The recorded ranges of a stream over a time window: fragments merged into bars, gaps left empty,
// a playhead, zoom (buttons, wheel, + and -), pan (drag, PageUp/PageDown) and a keyboard cursor.
// Clicking (or Enter at the cursor) asks to play from that time.
import {localTime, tickLabel} from './format.js';

const PRESETS = [['15 min', 15 * 60_000], ['1 h', 3600_000], ['6 h', 6 * 3600_000], ['1 day', 86_400_000],
  ['7 days', 7 * 86_400_000]];
const MIN_SPAN = 30_000;
const MAX_SPAN = 30 * 86_400_000;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, v);
  }
  if (text != null) {
    e.textContent = text;
  }
  return e;
}

export class Timeline {
  /**
   * @param root the element to draw in
   * @param onSeek called with a time (epoch ms) to play from
   * @param onWindow called with (from, to) when the visible window changes
   */
  constructor(root, {onSeek, onWindow}) {
    this.root = root;
    this.onSeek = onSeek;
    this.onWindow = onWindow;
    this.from = Date.now() - 3600_000;
    this.to = Date.now();
    this.fragments = [];
    this.playhead = null;
    this.cursor = null;
    this.note = '';
    this.build();
  }

  build() {
    this.root.replaceChildren();
    const bar = el('div', {class: 'tl-bar', role: 'toolbar', 'aria-label': 'Timeline zoom'});
    for (const [label, span] of PRESETS) {
      const b = el('button', {type: 'button', 'data-span': String(span)}, label);
      b.addEventListener('click', () => this.showSpan(span));
      bar.append(b);
    }
    const zin = el('button', {type: 'button', 'aria-label': 'Zoom in', id: 'tl-zoom-in'}, '+');
    zin.addEventListener('click', () => this.zoom(0.5, this.center()));
    const zout = el('button', {type: 'button', 'aria-label': 'Zoom out', id: 'tl-zoom-out'}, '−');
    zout.addEventListener('click', () => this.zoom(2, this.center()));
    this.label = el('span', {class: 'tl-range muted'});
    bar.append(zin, zout, this.label);

    this.track = el('div', {class: 'tl-track', id: 'tl-track', tabindex: '0', role: 'slider',
      'aria-label': 'Timeline: arrow keys move, Enter plays from the marked time, + and - zoom'});
    this.bars = el('div', {class: 'tl-bars'});
    this.head = el('div', {class: 'tl-playhead', 'aria-hidden': 'true'});
    this.mark = el('div', {class: 'tl-cursor', 'aria-hidden': 'true'});
    this.hover = el('div', {class: 'tl-hover', 'aria-hidden': 'true'});
    this.track.append(this.bars, this.head, this.mark, this.hover);
    this.ticks = el('div', {class: 'tl-ticks', 'aria-hidden': 'true'});
    this.status = el('p', {class: 'tl-note muted', role: 'status'});
    this.root.append(bar, this.track, this.ticks, this.status);

    this.track.addEventListener('pointerdown', e => this.pointerDown(e));
    this.track.addEventListener('pointermove', e => this.pointerHover(e));
    this.track.addEventListener('pointerleave', () => { this.hover.hidden = true; });
    this.track.addEventListener('wheel', e => this.wheel(e), {passive: false});
    this.track.addEventListener('keydown', e => this.key(e));
  }

  center() {
    return (this.from + this.to) / 2;
  }

  span() {
    return this.to - this.from;
  }

  /** Shows the last `span` ms up to now, or around the playhead when it is in the past. */
  showSpan(span) {
    const now = Date.now();
    const anchor = this.playhead != null && this.playhead < now - span / 2 ? this.playhead + span / 2 : now;
    this.setWindow(anchor - span, Math.min(anchor, now));
  }

  setWindow(from, to, quiet = false) {
    let span = Math.min(MAX_SPAN, Math.max(MIN_SPAN, to - from));
    const now = Date.now();
    if (from + span > now + span * 0.02) {
      from = now - span;
    }
    this.from = from;
    this.to = from + span;
    this.render();
    if (!quiet && this.onWindow) {
      this.onWindow(this.from, this.to);
    }
  }

  zoom(factor, around) {
    const span = Math.min(MAX_SPAN, Math.max(MIN_SPAN, this.span() * factor));
    const r = (around - this.from) / this.span();
    this.setWindow(around - r * span, around - r * span + span);
  }

  pan(fraction) {
    const d = this.span() * fraction;
    this.setWindow(this.from + d, this.to + d);
  }

  /** Fragments known in (at least) the window: [{number, start, duration, ...}] sorted by start. */
  setFragments(fragments, note = '') {
    this.fragments = fragments;
    this.note = note;
    this.render();
  }

  setPlayhead(ms) {
    this.playhead = ms;
    this.renderMarks();
  }

  timeAt(clientX) {
    const r = this.track.getBoundingClientRect();
    const x = Math.min(Math.max(clientX - r.left, 0), r.width);
    return this.from + (x / Math.max(1, r.width)) * this.span();
  }

  pointerDown(e) {
    if (e.button !== 0) {
      return;
    }
    const startX = e.clientX;
    const from = this.from;
    const to = this.to;
    let dragged = false;
    this.track.setPointerCapture(e.pointerId);
    const move = m => {
      const dx = m.clientX - startX;
      if (Math.abs(dx) > 4) {
        dragged = true;
      }
      if (dragged) {
        const d = -dx / Math.max(1, this.track.clientWidth) * (to - from);
        this.setWindow(from + d, to + d, true);
      }
    };
    const up = u => {
      this.track.removeEventListener('pointermove', move);
      this.track.removeEventListener('pointerup', up);
      if (dragged) {
        this.onWindow && this.onWindow(this.from, this.to);
      } else {
        const t = this.timeAt(u.clientX);
        this.cursor = t;
        this.renderMarks();
        this.onSeek(t);
      }
    };
    this.track.addEventListener('pointermove', move);
    this.track.addEventListener('pointerup', up);
  }

  pointerHover(e) {
    const t = this.timeAt(e.clientX);
    this.hover.hidden = false;
    this.hover.textContent = localTime(t);
    const r = this.track.getBoundingClientRect();
    this.hover.style.left = Math.min(Math.max(e.clientX - r.left, 40), r.width - 40) + 'px';
  }

  wheel(e) {
    e.preventDefault();
    this.zoom(e.deltaY > 0 ? 1.25 : 0.8, this.timeAt(e.clientX));
  }

  key(e) {
    const step = this.span() * (e.shiftKey ? 0.1 : 0.01);
    let c = this.cursor != null && this.cursor >= this.from && this.cursor <= this.to
      ? this.cursor : (this.playhead != null && this.playhead >= this.from && this.playhead <= this.to
        ? this.playhead : this.center());
    switch (e.key) {
      case 'ArrowLeft': c -= step; break;
      case 'ArrowRight': c += step; break;
      case 'Home': c = this.from; break;
      case 'End': c = Math.min(this.to, Date.now()); break;
      case 'PageUp': this.pan(-0.5); e.preventDefault(); return;
      case 'PageDown': this.pan(0.5); e.preventDefault(); return;
      case '+': case '=': this.zoom(0.5, c); e.preventDefault(); return;
      case '-': case '_': this.zoom(2, c); e.preventDefault(); return;
      case 'Enter': case ' ': this.onSeek(c); e.preventDefault(); return;
      default: return;
    }
    e.preventDefault();
    if (c < this.from || c > this.to) {
      this.pan(c < this.from ? -0.5 : 0.5);
    }
    this.cursor = Math.min(Math.max(c, this.from), this.to);
    this.renderMarks();
  }

  /** Fragments merged into bars no closer than a pixel, so a day of 2 s fragments stays a few hundred elements. */
  ranges() {
    const width = Math.max(1, this.track.clientWidth || 800);
    const msPerPx = this.span() / width;
    const out = [];
    for (const f of this.fragments) {
      const start = f.start;
      const end = f.start + Math.max(f.duration, 1);
      if (end < this.from || start > this.to) {
        continue;
      }
      const last = out[out.length - 1];
      const tolerance = Math.max(msPerPx, Math.min(f.duration * 0.5, 1500));
      if (last && start <= last.end + tolerance) {
        last.end = Math.max(last.end, end);
        last.count++;
      } else {
        out.push({start, end, count: 1});
      }
    }
    return out;
  }

  render() {
    const span = this.span();
    const pct = t => ((t - this.from) / span * 100).toFixed(3) + '%';
    const ranges = this.ranges();
    this.bars.replaceChildren(...ranges.map(r => {
      const b = el('div', {class: 'tl-rec', title: localTime(r.start) + ' – ' + localTime(r.end) + ' (' + r.count
          + ' fragments)'});
      b.style.left = pct(Math.max(r.start, this.from));
      b.style.width = 'max(2px, ' + ((Math.min(r.end, this.to) - Math.max(r.start, this.from)) / span * 100).toFixed(3)
          + '%)';
      return b;
    }));
    this.ticks.replaceChildren(...this.tickTimes().map(t => {
      const s = el('span', {}, tickLabel(t, span));
      s.style.left = pct(t);
      return s;
    }));
    this.label.textContent = localTime(this.from) + ' – ' + localTime(this.to);
    const recorded = ranges.reduce((a, r) => a + Math.min(r.end, this.to) - Math.max(r.start, this.from), 0);
    this.status.textContent = (ranges.length ? ranges.length + ' recorded range' + (ranges.length > 1 ? 's' : '')
        + ', ' + Math.round(recorded / span * 100) + '% of the window' : 'Nothing recorded in this window')
        + (this.note ? ' · ' + this.note : '');
    this.track.setAttribute('aria-valuemin', String(Math.round(this.from)));
    this.track.setAttribute('aria-valuemax', String(Math.round(this.to)));
    this.renderMarks();
  }

  renderMarks() {
    const span = this.span();
    const place = (node, t) => {
      node.hidden = t == null || t < this.from || t > this.to;
      if (!node.hidden) {
        node.style.left = ((t - this.from) / span * 100).toFixed(3) + '%';
      }
    };
    place(this.head, this.playhead);
    place(this.mark, this.cursor);
    const at = this.cursor != null ? this.cursor : this.playhead;
    if (at != null) {
      this.track.setAttribute('aria-valuenow', String(Math.round(at)));
      this.track.setAttribute('aria-valuetext', localTime(at));
    }
  }

  tickTimes() {
    const span = this.span();
    const steps = [1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 600e3, 1800e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3,
      86400e3, 2 * 86400e3];
    const step = steps.find(s => span / s <= 8) || steps[steps.length - 1];
    const offset = new Date(this.from).getTimezoneOffset() * 60_000;
    const out = [];
    for (let t = Math.ceil((this.from - offset) / step) * step + offset; t <= this.to; t += step) {
      out.push(t);
    }
    return out;
  }
}
