// Download of the timeline's visible range: one MP4 clip (GetClip, docs/wire-protocol.md §3.3), or,
// for a stream without H.264/H.265 video (which a clip needs), the fragments as one MKV file
// (GetMediaForFragmentList, §3.2).
import {call, explain, ApiError} from './api.js';
import {iso} from './format.js';

/** A clip spans at most this (GetClip's rule, §3.3). */
const MAX_CLIP_MS = 24 * 3600 * 1000;
/** GetMediaForFragmentList takes at most this many fragments. */
const MAX_FRAGMENT_LIST = 1000;
/** The server's default clip limit in fragments (§3.3; configurable, so only mentioned, not enforced). */
const CLIP_FRAGMENTS = 200;
/**
 * A range whose fragments hold more than this is written straight to a file the viewer picks, where
 * the browser can (the File System Access API), instead of being collected first.
 */
const COLLECT_AT_MOST = 64 * 1024 * 1024;

/**
 * Downloads the fragments of `stream` that start in [from, to] (epoch ms); `fragments` are those the
 * page knows there ({number, start, size}), `status` the element that reports progress.
 *
 * Why fetch and not a link or a form: /getClip is a JSON POST that must carry the session's
 * anti-forgery header, which neither can send, so the browser's download manager cannot stream it
 * itself. The answer is therefore either piped into a file the viewer picks (showSaveFilePicker,
 * asked first, while the click still counts as the viewer's gesture), or collected into a Blob. A
 * Blob is acceptable here because the server bounds a clip (200 fragments and 100 MB of frames by
 * default, §3.3) and the browser keeps large Blobs outside the script's heap (Chromium spills them
 * to disk); it is only used where the range is small or no file can be picked.
 */
export async function downloadRange({stream, from, to, fragments, status}) {
  const chosen = fragments.filter(f => f.start >= from && f.start <= to).sort((a, b) => a.start - b.start);
  if (!chosen.length) {
    status.textContent = 'No video was recorded in the visible range.';
    return;
  }
  if (to - from > MAX_CLIP_MS) {
    status.textContent = 'A download spans at most 24 hours; zoom in.';
    return;
  }
  const base = stream + '_' + iso(from).replace(/[:.]/g, '') + '_' + iso(to).replace(/[:.]/g, '');
  const total = chosen.reduce((a, f) => a + (f.size || 0), 0);
  let file;
  try {
    file = await pickFile(base + '.mp4', total);
  } catch (e) {
    status.textContent = e.name === 'AbortError' ? '' : explain(e, 'Choosing where to save');
    return;
  }
  status.textContent = 'Preparing a clip of ' + chosen.length + ' fragments…';
  try {
    const resp = await call('/getClip', {StreamName: stream, ClipFragmentSelector: {
      FragmentSelectorType: 'PRODUCER_TIMESTAMP',
      TimestampRange: {StartTimestamp: from / 1000, EndTimestamp: to / 1000}}}, {raw: true});
    await save(resp, file, base + '.mp4');
    status.textContent = 'Downloaded ' + chosen.length + ' fragments (MP4).' + (chosen.length > CLIP_FRAGMENTS
      ? ' A clip holds at most ' + CLIP_FRAGMENTS + ' fragments unless the server allows more: zoom in for the rest.'
      : '');
  } catch (e) {
    if (file) {
      await file.abort().catch(() => {});
    }
    if (e instanceof ApiError && e.type === 'UnsupportedStreamMediaTypeException') {
      return downloadFragments(stream, chosen, base + '.mkv', status);
    }
    status.textContent = e.name === 'AbortError' ? '' : explain(e, 'The download');
  }
}

/** The fragments as one MKV file (one MKV stream per fragment). */
async function downloadFragments(stream, chosen, name, status) {
  if (chosen.length > MAX_FRAGMENT_LIST) {
    status.textContent = 'The visible range has ' + chosen.length + ' fragments; zoom in to ' + MAX_FRAGMENT_LIST
        + ' or fewer.';
    return;
  }
  status.textContent = 'No video for an MP4 clip: preparing ' + chosen.length + ' fragments as MKV…';
  try {
    const resp = await call('/getMediaForFragmentList', {StreamName: stream, Fragments: chosen.map(f => f.number)},
        {raw: true});
    await save(resp, null, name);
    status.textContent = 'Downloaded ' + chosen.length + ' fragments (MKV).';
  } catch (e) {
    status.textContent = e.name === 'AbortError' ? '' : explain(e, 'The download');
  }
}

/** A writable file the viewer picks for a large download, where the browser offers that; else null. */
async function pickFile(name, expectedBytes) {
  if (!window.showSaveFilePicker || expectedBytes <= COLLECT_AT_MOST) {
    return null;
  }
  const handle = await window.showSaveFilePicker({suggestedName: name});
  return handle.createWritable();
}

/** The response's body into `file` (streamed), or as a Blob handed to the browser's downloads under `name`. */
async function save(resp, file, name) {
  if (file) {
    await resp.body.pipeTo(file); // closes the file when the body ends
    return;
  }
  const blob = await resp.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
