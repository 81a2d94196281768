// The streaming MKV tag reader of the web player, fed the same fragment whole, byte by byte and
// at every split size: it must find the same tags every time (node --test; run by JavaScriptTest).
import test from 'node:test';
import assert from 'node:assert/strict';
import {TagReader} from '../../main/resources/io/vidlog/webplayer/site/mkvtags.js';

const utf8 = s => [...new TextEncoder().encode(s)];

/** An element with a known size (1-byte size when it fits, else 8 bytes). */
function el(idBytes, payload) {
  const size = payload.length < 127 ? [0x80 | payload.length]
    : [0x01, 0, 0, 0, (payload.length >>> 24) & 0xff, (payload.length >>> 16) & 0xff, (payload.length >>> 8) & 0xff,
      payload.length & 0xff];
  return [...idBytes, ...size, ...payload];
}
const UNKNOWN = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
const simpleTag = (name, value) => el([0x67, 0xC8], [...el([0x45, 0xA3], utf8(name)), ...el([0x44, 0x87], utf8(value))]);
const tags = (...simple) => el([0x12, 0x54, 0xC3, 0x67], el([0x73, 0x73], [...el([0x63, 0xC0], el([0x68, 0xCA],
  [50])), ...simple.flat()]));

function fragment() {
  const block = new Array(300).fill(0).map((_, i) => i & 0xff);
  return Uint8Array.from([
    ...el([0x1A, 0x45, 0xDF, 0xA3], el([0x42, 0x82], utf8('matroska'))),
    0x18, 0x53, 0x80, 0x67, ...UNKNOWN,
    ...el([0x15, 0x49, 0xA9, 0x66], el([0x2A, 0xD7, 0xB1], [0x0F, 0x42, 0x40])),
    ...el([0x16, 0x54, 0xAE, 0x6B], el([0xAE], el([0xD7], [1]))),
    ...tags(simpleTag('camera', 'front door'), simpleTag('firmware', '1.2.3')),
    ...tags(simpleTag('AWS_KINESISVIDEO_FRAGMENT_NUMBER', '91343852333181432392682062607743920146264772717'),
      simpleTag('AWS_KINESISVIDEO_PRODUCER_TIMESTAMP', '1765080268.123')),
    0x1F, 0x43, 0xB6, 0x75, ...UNKNOWN,
    ...el([0xE7], [0]),
    ...el([0xA3], block),
    ...el([0xA3], block),
    ...tags(simpleTag('motion', 'ünïcode ✓')),
  ]);
}

const EXPECTED = [
  {name: 'camera', value: 'front door'},
  {name: 'firmware', value: '1.2.3'},
  {name: 'AWS_KINESISVIDEO_FRAGMENT_NUMBER', value: '91343852333181432392682062607743920146264772717'},
  {name: 'AWS_KINESISVIDEO_PRODUCER_TIMESTAMP', value: '1765080268.123'},
  {name: 'motion', value: 'ünïcode ✓'},
];

function readInPieces(bytes, size) {
  const r = new TagReader();
  for (let i = 0; i < bytes.length; i += size) {
    r.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  }
  return r;
}

test('every split size finds the same tags', () => {
  const bytes = fragment();
  for (let size = 1; size <= bytes.length; size++) {
    const r = readInPieces(bytes, size);
    assert.equal(r.error, null, 'split ' + size);
    assert.deepEqual(r.tags, EXPECTED, 'split ' + size);
  }
});

test('a broken element id stops the reader with a reason instead of reading garbage', () => {
  const r = readInPieces(Uint8Array.from([0x00, 0x00, 0x00]), 1);
  assert.match(r.error, /invalid element id/);
  assert.deepEqual(r.tags, []);
});

test('an unknown size on an element that is not a container is refused', () => {
  const r = readInPieces(Uint8Array.from([0xA3, ...UNKNOWN]), 3);
  assert.match(r.error, /unknown size/);
});
