// The server's API as the page uses it: KVS JSON routes authenticated by the session cookie
// (HttpOnly: the page never sees it) plus the session's anti-forgery token in a header, and the
// sign-in routes. The secret access key is sent once, to /session/login, and never kept.

export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** The session's anti-forgery token: in memory only, fetched again from /session after a reload. */
let csrfToken = '';
let session = null;

export function currentUser() {
  return session;
}

function remember(s) {
  session = s;
  csrfToken = s ? s.csrfToken : '';
}

async function errorOf(resp) {
  let type = resp.headers.get('x-amzn-ErrorType') || '';
  let message = resp.statusText || ('HTTP ' + resp.status);
  try {
    const body = await resp.json();
    message = body.Message || body.message || message;
    type = type || body.__type || '';
  } catch (e) {
    // not a JSON error document: keep the status text
  }
  return new ApiError(resp.status, type, message);
}

/** Who is signed in, or null. */
export async function loadSession() {
  const resp = await fetch('/session', {credentials: 'same-origin', cache: 'no-store'});
  if (resp.status === 401) {
    remember(null);
    return null;
  }
  if (!resp.ok) {
    throw await errorOf(resp);
  }
  remember(await resp.json());
  return session;
}

export async function signIn(accessKeyId, secretAccessKey) {
  const resp = await fetch('/session/login', {
    method: 'POST', credentials: 'same-origin', cache: 'no-store',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({accessKeyId, secretAccessKey}),
  });
  if (!resp.ok) {
    throw await errorOf(resp);
  }
  remember(await resp.json());
  return session;
}

export async function signOut() {
  try {
    await fetch('/session/logout', {method: 'POST', credentials: 'same-origin', headers: {'x-vidlog-csrf': csrfToken}});
  } finally {
    remember(null);
  }
}

/**
 * POSTs a KVS JSON request. A 401 that is not a policy refusal means the session ended: the page
 * is told (event 'vidlog:session-ended') and the call fails with type 'SessionEnded'.
 * With {raw: true} the Response is returned (media bodies), unread.
 */
export async function call(path, body, {raw = false, signal} = {}) {
  let resp;
  try {
    resp = await fetch(path, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store', signal,
      headers: {'content-type': 'application/json', 'x-vidlog-csrf': csrfToken},
      body: JSON.stringify(body || {}),
    });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, 'NetworkError', 'The server cannot be reached.');
  }
  if (!resp.ok) {
    const err = await errorOf(resp);
    if (resp.status === 401 && !isPolicyRefusal(err)) {
      const still = await loadSession().catch(() => null);
      if (!still) {
        window.dispatchEvent(new CustomEvent('vidlog:session-ended'));
        throw new ApiError(401, 'SessionEnded', 'Your session has ended; sign in again.');
      }
    }
    throw err;
  }
  return raw ? resp : resp.json();
}

/** A refusal by the key's policy (the session itself is fine). */
export function isPolicyRefusal(err) {
  return err instanceof ApiError && err.status === 401 && /is not authorized to perform/.test(err.message);
}

/** A sentence for a viewer about a failed call; `what` says what was being done. */
export function explain(err, what) {
  if (!(err instanceof ApiError)) {
    return what + ' failed: ' + (err && err.message ? err.message : String(err));
  }
  if (isPolicyRefusal(err)) {
    const action = (err.message.match(/kinesisvideo:(\w+)/) || [])[1] || 'this';
    return 'Your access key is not allowed to do that (' + action + ').';
  }
  if (err.type === 'SessionEnded') {
    return err.message;
  }
  if (err.type === 'NetworkError') {
    return what + ' failed: the server cannot be reached.';
  }
  if (err.status === 503) {
    return what + ' failed: the server is busy or its storage is unavailable; try again shortly.';
  }
  return what + ' failed: ' + err.message;
}
