// Formatting of times, durations and sizes for people, and the ISO-8601 forms URLs carry.

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Local date and time with seconds, e.g. 2026-12-07 14:03:05. */
export function localTime(ms, withMillis = false) {
  if (ms == null || !isFinite(ms)) {
    return '—';
  }
  const d = new Date(ms);
  const s = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
      + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  return withMillis ? s + '.' + pad(d.getMilliseconds(), 3) : s;
}

/** Short label for a timeline tick, precise enough for the visible span. */
export function tickLabel(ms, spanMs) {
  const d = new Date(ms);
  const hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
  if (spanMs <= 10 * 60_000) {
    return hm + ':' + pad(d.getSeconds());
  }
  if (spanMs <= 36 * 3600_000) {
    return hm;
  }
  return pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + hm;
}

/** The value of a datetime-local input for a time. */
export function toLocalInput(ms) {
  const d = new Date(ms);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T'
      + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

/** A datetime-local input's value as epoch ms (it is local time), or NaN. */
export function fromLocalInput(value) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?/.exec(value || '');
  if (!m) {
    return NaN;
  }
  return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)).getTime();
}

/** ISO-8601 UTC with milliseconds, as bookmark URLs carry it. */
export function iso(ms) {
  return new Date(ms).toISOString();
}

/** Epoch ms of an ISO-8601 string (any offset), or NaN. */
export function parseIso(s) {
  if (!s || !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(s)) {
    return NaN;
  }
  return Date.parse(s);
}

export function duration(ms) {
  if (ms == null || !isFinite(ms)) {
    return '—';
  }
  if (ms < 1000) {
    return Math.round(ms) + ' ms';
  }
  if (ms < 60_000) {
    return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1) + ' s';
  }
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return (h ? h + ' h ' : '') + m + ' min' + (h ? '' : ' ' + (s % 60) + ' s');
}

export function bytes(n) {
  if (n == null) {
    return '—';
  }
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

export function retention(hours) {
  if (!hours) {
    return 'live only';
  }
  return hours % 24 === 0 ? hours / 24 + ' d' : hours + ' h';
}
