// The page: sign-in, the stream list and the watch view, chosen by the URL's fragment so that
// every view can be bookmarked: #/ (streams), #/streams/<name> (live), #/streams/<name>?at=<ISO-8601>.
import {call, currentUser, explain, isPolicyRefusal, loadSession, signIn, signOut, ApiError} from './api.js';
import {iso, parseIso, retention} from './format.js';
import {Watch, LIVE_WINDOW_MS} from './watch.js';

const $ = id => document.getElementById(id);
const views = ['login-view', 'list-view', 'watch-view'];
let watch = null;
let listTimer = null;
let sessionEndedNotice = '';
/** CSS width of a stream's picture in the list. */
const THUMB_WIDTH = 160;

function show(view) {
  $('booting').hidden = true;
  for (const v of views) {
    $(v).hidden = v !== view;
  }
}

function notice(text) {
  const n = $('notice');
  n.textContent = text || '';
  n.hidden = !text;
}

/** The view a URL fragment names: {view, name, at}. */
export function route(hash) {
  const m = /^#\/streams\/([^?]+)(?:\?(.*))?$/.exec(hash || '');
  if (!m) {
    return {view: 'list'};
  }
  let name;
  try {
    name = decodeURIComponent(m[1]);
  } catch (e) {
    return {view: 'list'};
  }
  const params = new URLSearchParams(m[2] || '');
  const at = parseIso(params.get('at'));
  return {view: 'watch', name, at: isFinite(at) ? at : null, badAt: params.has('at') && !isFinite(at)};
}

export function streamHash(name, at) {
  return '#/streams/' + encodeURIComponent(name) + (at == null ? '' : '?at=' + iso(at));
}

async function render() {
  if (!currentUser()) {
    return showLogin();
  }
  notice('');
  const r = route(location.hash);
  if (r.view === 'watch') {
    stopList();
    show('watch-view');
    if (r.badAt) {
      notice('The time in this link is not an ISO-8601 date and time; showing live video.');
    }
    watch = watch || new Watch({onJump: (name, at) => { location.hash = streamHash(name, at); }});
    await watch.open(r.name, r.at);
  } else {
    if (watch) {
      watch.close();
    }
    document.title = 'Streams · vidlog';
    show('list-view');
    await loadList();
    startList();
  }
}

function showLogin(message) {
  stopList();
  if (watch) {
    watch.close();
  }
  $('who').hidden = true;
  show('login-view');
  document.title = 'Sign in · vidlog';
  const err = $('login-error');
  err.textContent = message || sessionEndedNotice;
  err.hidden = !err.textContent;
  sessionEndedNotice = '';
  $('accessKeyId').focus();
}

function showUser() {
  const u = currentUser();
  $('who-name').textContent = (u.name ? u.name + ' · ' : '') + u.accessKeyId;
  $('who').hidden = false;
}

async function onLogin(e) {
  e.preventDefault();
  const id = $('accessKeyId');
  const secret = $('secretAccessKey');
  const button = $('login-submit');
  button.disabled = true;
  try {
    await signIn(id.value.trim(), secret.value);
    secret.value = '';
    showUser();
    await render();
  } catch (err) {
    secret.value = '';
    const text = err instanceof ApiError && err.status === 401
      ? 'The access key id or secret access key is not valid.'
      : explain(err, 'Signing in');
    showLogin(text);
    if (err instanceof ApiError && err.status === 401) {
      secret.focus();
    }
  } finally {
    button.disabled = false;
  }
}

async function loadList() {
  const status = $('list-status');
  const rows = $('stream-rows');
  const streams = [];
  try {
    let token = null;
    let pages = 0;
    do {
      const r = await call('/listStreams', token ? {NextToken: token} : {MaxResults: 100});
      streams.push(...(r.StreamInfoList || []));
      token = r.NextToken;
    } while (token && ++pages < 10);
  } catch (err) {
    status.textContent = explain(err, 'Listing streams');
    return;
  }
  streams.sort((a, b) => a.StreamName.localeCompare(b.StreamName));
  status.textContent = streams.length ? '' : 'No streams are visible to this access key.';
  rows.replaceChildren(...streams.map(s => {
    const tr = document.createElement('tr');
    tr.dataset.stream = s.StreamName;
    const a = document.createElement('a');
    a.href = streamHash(s.StreamName, null);
    a.textContent = s.StreamName;
    const live = document.createElement('span');
    live.className = 'live-dot';
    live.textContent = '…';
    const picture = cell(thumbnail(s.StreamName), 'Picture');
    picture.className = 'thumb-cell';
    tr.append(cell(a, 'Stream'), picture, cell(live, 'Now'), cell(s.Status || '', 'Status'),
        cell(s.MediaType || '—', 'Media type'), cell(retention(s.DataRetentionInHours), 'Retention'));
    return tr;
  }));
  // live now: a fragment that arrived in the last few seconds (a few requests at a time)
  const queue = streams.map(s => s.StreamName);
  const worker = async () => {
    while (queue.length) {
      const name = queue.shift();
      const fresh = await liveDot(name);
      // the rows may have been redrawn meanwhile (a refresh): then this answer has no place
      const dot = rows.querySelector('tr[data-stream="' + CSS.escape(name) + '"] .live-dot');
      if (dot) {
        dot.replaceWith(fresh);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function liveDot(name) {
  const span = document.createElement('span');
  span.className = 'live-dot';
  const now = Date.now();
  try {
    const r = await call('/listFragments', {StreamName: name, MaxResults: 1, FragmentSelector: {
      FragmentSelectorType: 'SERVER_TIMESTAMP',
      TimestampRange: {StartTimestamp: (now - LIVE_WINDOW_MS) / 1000, EndTimestamp: now / 1000}}});
    const live = (r.Fragments || []).length > 0;
    span.dataset.live = String(live);
    span.textContent = live ? '● live' : 'idle';
  } catch (err) {
    span.dataset.live = 'unknown';
    span.textContent = isPolicyRefusal(err) ? 'no access to media' : '?';
    span.title = explain(err, 'Checking for live video');
  }
  return span;
}

/**
 * The stream's latest picture: the first key frame of its newest stored fragment, a JPEG the server
 * decodes once per fragment and width (docs/wire-protocol.md §3.4 "Thumbnails"). An <img> sends the
 * session cookie by itself (a GET needs no anti-forgery header). When there is none (nothing stored
 * yet, retention 0, no H.264, no access) a placeholder takes its place.
 */
function thumbnail(name) {
  const img = document.createElement('img');
  img.className = 'thumb';
  img.alt = 'Latest picture of ' + name;
  img.width = THUMB_WIDTH;
  img.height = Math.round(THUMB_WIDTH * 9 / 16);
  img.decoding = 'async';
  img.loading = 'lazy';
  img.addEventListener('load', () => { img.dataset.state = 'shown'; });
  img.addEventListener('error', () => img.replaceWith(noPicture()));
  // a few widths only (the server caches per width); sharp on high-density screens
  const width = (window.devicePixelRatio || 1) > 1.5 ? 2 * THUMB_WIDTH : THUMB_WIDTH;
  img.src = '/thumbnail/v1/getThumbnail.jpg?StreamName=' + encodeURIComponent(name) + '&WidthPixels=' + width;
  return img;
}

function noPicture() {
  const span = document.createElement('span');
  span.className = 'thumb thumb-none';
  span.setAttribute('role', 'img');
  span.textContent = 'No picture yet';
  return span;
}

function cell(content, label) {
  const td = document.createElement('td');
  td.dataset.label = label;
  td.append(content);
  return td;
}

function startList() {
  stopList();
  listTimer = setInterval(() => {
    if (!$('list-view').hidden && document.visibilityState === 'visible') {
      loadList();
    }
  }, 15_000);
}

function stopList() {
  clearInterval(listTimer);
  listTimer = null;
}

async function boot() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', async () => {
    await signOut();
    showLogin('You are signed out.');
  });
  $('list-refresh').addEventListener('click', () => loadList());
  window.addEventListener('hashchange', () => render());
  window.addEventListener('vidlog:session-ended', () => {
    sessionEndedNotice = 'Your session has ended; sign in again to continue.';
    showLogin();
  });
  try {
    await loadSession();
  } catch (err) {
    notice(explain(err, 'Loading the session'));
  }
  if (currentUser()) {
    showUser();
  }
  await render();
}

boot();
