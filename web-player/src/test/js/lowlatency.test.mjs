// The web player's PartGate: a media playlist reaches hls.js only once the part being loaded of its
// type has been buffered (node --test; run by JavaScriptTest). hls.js is stood in for by an event
// emitter and a loader that answers when told to.
import test from 'node:test';
import assert from 'node:assert/strict';
import {PartGate, catchUpAfterStartUp} from '../../main/resources/io/vidlog/webplayer/site/lowlatency.js';

const Events = {FRAG_LOADING: 'fragLoading', FRAG_BUFFERED: 'fragBuffered', ERROR: 'error', DESTROYING: 'destroying'};

/** hls.js's loader contract: load(context, config, callbacks) answers later through callbacks.onSuccess. */
class ManualLoader {
  static requests = [];
  load(context, config, callbacks) {
    ManualLoader.requests.push({context, answer: text => callbacks.onSuccess({data: text}, {}, context, null)});
  }
  abort() {}
}

function emitter() {
  const handlers = {};
  return {
    on(name, f) { (handlers[name] = handlers[name] || []).push(f); },
    trigger(name, data) { (handlers[name] || []).forEach(f => f(name, data)); },
  };
}

/** A gate attached to a fake hls.js, and what reached hls.js through its loader. */
function setUp(maxHoldMs) {
  ManualLoader.requests = [];
  const gate = new PartGate(ManualLoader, Events, maxHoldMs);
  const hls = emitter();
  gate.attach(hls);
  const delivered = [];
  const load = (type, name) => new gate.loader().load({type}, {}, {onSuccess: r => delivered.push(name + ':' + r.data)});
  const answer = (i, text) => ManualLoader.requests[i].answer(text);
  return {gate, hls, delivered, load, answer};
}

const mainPart = {frag: {type: 'main', sn: 9}, part: {index: 3}};

test('a media playlist arriving while a part is loaded waits until that part is buffered', () => {
  const {hls, delivered, load, answer} = setUp(60_000);
  load('level', 'video');
  hls.trigger(Events.FRAG_LOADING, mainPart);
  answer(0, 'completes sn 9');
  assert.deepEqual(delivered, []);
  hls.trigger(Events.FRAG_BUFFERED, mainPart);
  assert.deepEqual(delivered, ['video:completes sn 9']);
});

test('a media playlist arriving with no part in flight reaches hls.js at once', () => {
  const {hls, delivered, load, answer} = setUp(60_000);
  hls.trigger(Events.FRAG_LOADING, mainPart);
  hls.trigger(Events.FRAG_BUFFERED, mainPart);
  load('level', 'video');
  answer(0, 'next');
  assert.deepEqual(delivered, ['video:next']);
});

test('the master playlist and whole segments are not held', () => {
  const {hls, delivered, load, answer} = setUp(60_000);
  hls.trigger(Events.FRAG_LOADING, mainPart);
  load('manifest', 'master');
  answer(0, 'm');
  assert.deepEqual(delivered, ['master:m']);
  load('level', 'video');
  answer(1, 'v');
  assert.deepEqual(delivered, ['master:m']);
  hls.trigger(Events.FRAG_LOADING, {frag: {type: 'main', sn: 10}, part: null});
  assert.deepEqual(delivered, ['master:m', 'video:v']);
});

test('an audio part holds the audio playlist, not the video one', () => {
  const {hls, delivered, load, answer} = setUp(60_000);
  hls.trigger(Events.FRAG_LOADING, {frag: {type: 'audio', sn: 9}, part: {index: 3}});
  load('level', 'video');
  load('audioTrack', 'audio');
  answer(0, 'v');
  answer(1, 'a');
  assert.deepEqual(delivered, ['video:v']);
  hls.trigger(Events.FRAG_BUFFERED, {frag: {type: 'audio', sn: 9}, part: {index: 3}});
  assert.deepEqual(delivered, ['video:v', 'audio:a']);
});

test('a part load that fails releases the playlist', () => {
  const {hls, delivered, load, answer} = setUp(60_000);
  load('level', 'video');
  hls.trigger(Events.FRAG_LOADING, mainPart);
  answer(0, 'v');
  hls.trigger(Events.ERROR, {frag: mainPart.frag, details: 'fragLoadError'});
  assert.deepEqual(delivered, ['video:v']);
});

test('a part load that ends without an event releases the playlist after the longest hold', async () => {
  const {hls, delivered, load, answer} = setUp(20);
  load('level', 'video');
  hls.trigger(Events.FRAG_LOADING, mainPart);
  answer(0, 'v');
  assert.deepEqual(delivered, []);
  await new Promise(resolve => {
    const check = setInterval(() => delivered.length && (clearInterval(check), resolve()), 5);
  });
  assert.deepEqual(delivered, ['video:v']);
});

test('a playlist request hls.js aborted while its answer was held never reaches hls.js', () => {
  const {gate, hls, delivered, answer} = setUp(60_000);
  const loader = new gate.loader();
  loader.load({type: 'level'}, {}, {onSuccess: r => delivered.push(r.data)});
  hls.trigger(Events.FRAG_LOADING, mainPart);
  answer(0, 'stale');
  loader.abort();
  hls.trigger(Events.FRAG_BUFFERED, mainPart);
  assert.deepEqual(delivered, []);
});

test('the catch-up bound follows hls.js target latency, raised after a stall', () => {
  const video = {readyState: 4};
  const details = {live: true, partHoldBack: 0.6};
  const hls = {config: {}, targetLatency: 0.6};
  catchUpAfterStartUp(hls, video, details);
  assert.equal(hls.config.liveMaxLatencyDuration, 0.6 + 0.3);
  hls.targetLatency = 1.6;
  catchUpAfterStartUp(hls, video, details);
  assert.equal(hls.config.liveMaxLatencyDuration, 1.6 + 0.3);
});
