// Reads the Matroska tags (TagName/TagString pairs, RFC 9559 §5.1.8) of a fragment as its MKV
// streams in, without keeping the media: a push parser with one state variable, fed chunks of any
// size; frame payloads are counted past, never buffered. GetMediaForFragmentList answers one MKV
// stream per fragment with the KVS tags (AWS_KINESISVIDEO_*) and the producer's metadata
// (docs/wire-protocol.md §3.2, §5).

const SEGMENT = 0x18538067;
const CLUSTER = 0x1F43B675;
const TAGS = 0x1254C367;
const TAG = 0x7373;
const SIMPLE_TAG = 0x67C8;
const TAG_NAME = 0x45A3;
const TAG_STRING = 0x4487;
/** Masters whose children are read in place (the others, frames included, are skipped whole). */
const DESCEND = new Set([SEGMENT, CLUSTER, TAGS, TAG, SIMPLE_TAG]);
const MAX_STRING = 64 * 1024;

const State = Object.freeze({HEADER: 'header', SKIP: 'skip', STRING: 'string', FAILED: 'failed'});

export class TagReader {
  constructor() {
    this.state = State.HEADER;
    this.pending = new Uint8Array(0);
    this.skip = 0;
    this.want = 0;
    this.stringId = 0;
    this.tags = [];
    this.error = null;
  }

  /** Feeds the next bytes. */
  push(chunk) {
    let buf = this.pending.length ? concat(this.pending, chunk) : chunk;
    let off = 0;
    while (off < buf.length && this.state !== State.FAILED) {
      switch (this.state) {
        case State.SKIP: {
          const n = Math.min(this.skip, buf.length - off);
          off += n;
          this.skip -= n;
          if (this.skip === 0) {
            this.state = State.HEADER;
          }
          break;
        }
        case State.STRING: {
          if (buf.length - off < this.want) {
            this.pending = buf.slice(off);
            return;
          }
          const text = new TextDecoder().decode(buf.subarray(off, off + this.want));
          off += this.want;
          const last = this.tags[this.tags.length - 1];
          if (last) {
            last[this.stringId === TAG_NAME ? 'name' : 'value'] = text;
          }
          this.state = State.HEADER;
          break;
        }
        case State.HEADER: {
          const id = vint(buf, off, 4, true);
          if (id === null) {
            this.pending = buf.slice(off);
            return;
          }
          if (id.length === 0) {
            return this.fail('invalid element id at a byte ' + buf[off]);
          }
          const size = vint(buf, off + id.length, 8, false);
          if (size === null) {
            this.pending = buf.slice(off);
            return;
          }
          if (size.length === 0) {
            return this.fail('invalid element size');
          }
          off += id.length + size.length;
          if (DESCEND.has(id.value)) {
            if (id.value === SIMPLE_TAG) {
              this.tags.push({name: '', value: ''});
            }
          } else if (size.unknown) {
            return this.fail('unknown size on element 0x' + id.value.toString(16));
          } else if ((id.value === TAG_NAME || id.value === TAG_STRING) && size.value <= MAX_STRING) {
            this.state = State.STRING;
            this.stringId = id.value;
            this.want = size.value;
          } else if (size.value > 0) {
            this.state = State.SKIP;
            this.skip = size.value;
          }
          break;
        }
        default:
          return;
      }
    }
    this.pending = new Uint8Array(0);
  }

  fail(why) {
    this.state = State.FAILED;
    this.error = why;
  }
}

/**
 * A variable-size integer (RFC 8794 §4) at `off`: {value, length, unknown}; null when more bytes
 * are needed; length 0 when the first byte marks no valid length.
 */
function vint(buf, off, maxLength, keepMarker) {
  if (off >= buf.length) {
    return null;
  }
  const first = buf[off];
  let length = 1;
  while (length <= maxLength && !(first & (0x80 >> (length - 1)))) {
    length++;
  }
  if (length > maxLength) {
    return {value: 0, length: 0, unknown: false};
  }
  if (off + length > buf.length) {
    return null;
  }
  let value = keepMarker ? first : first & (0xFF >> length);
  let allOnes = value === (0xFF >> length);
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[off + i];
    allOnes = allOnes && buf[off + i] === 0xFF;
  }
  return {value, length, unknown: !keepMarker && allOnes};
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Reads a whole response body through a TagReader: {kvs: {NAME: value}, producer: [{name, value}]}. */
export async function readTags(response) {
  const reader = new TagReader();
  const body = response.body.getReader();
  for (;;) {
    const {done, value} = await body.read();
    if (done) {
      break;
    }
    reader.push(value);
    if (reader.error) {
      await body.cancel();
      break;
    }
  }
  const kvs = {};
  const producer = [];
  for (const t of reader.tags) {
    if (t.name.startsWith('AWS_KINESISVIDEO_')) {
      kvs[t.name] = t.value;
    } else if (t.name) {
      producer.push(t);
    }
  }
  return {kvs, producer, error: reader.error};
}
