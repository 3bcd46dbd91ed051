// Runs packaged engines on V8 with the same minimal host as the Java tests: vdso.process_exit
// only, spans copied into the engine's span window (input at the base, output at the next
// 4 KiB boundary).
//
//   node run-engine.mjs filter ENGINE.wasm OUT_CAP IN...
//       one fresh instance per input file; writes IN.out and prints one line per input:
//       "status N" (the engine_start result) or "exit N" (process_exit was called); an engine
//       with a log (ABI.md, "The log") also gets IN.log, the log's bytes oldest first. A module
//       metered by the host (it exports the hermetic_fuel global) has " fuel F" appended: the
//       fuel its instance consumed, start function, _initialize and engine_start, as the host
//       counts it (the host's own calls to the span window exports are not counted)
//   node run-engine.mjs bench ENGINE.wasm OUT_CAP IN MIN_MILLIS
//       one instance, engine_start repeated for at least MIN_MILLIS after a warm-up;
//       prints "calls N nanos T" and writes the last call's output to IN.out
//   node run-engine.mjs kv ENGINE.wasm OUT_CAP STORE.json IN...
//       as filter, for kv-lookup: the vdso also has hook_call and hook_result (the protocol of
//       ABI.md, "Hook calls") answering hooks store.get and store.put over a fresh copy of
//       STORE.json's {"ref": "d-1", "grants": [...], "entries": {...}} per input; prints
//       "status N hook_call C hook_result R" per input
import { readFileSync, writeFileSync } from 'node:fs';

const PAGE = 4096;
// What the host's fuel meter starts its counter at: no budget.
const FULL_TANK = 2n ** 63n - 1n;

class ProcessExit extends Error {
  constructor(code) {
    super(`process_exit(${code})`);
    this.code = code;
  }
}

async function instantiate(module, hooks) {
  const imports = { vdso: { process_exit: (code) => { throw new ProcessExit(code); } } };
  if (hooks) Object.assign(imports.vdso, hooks.imports);
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports;
  if (hooks) hooks.memory = exports.memory;
  if (exports._initialize) exports._initialize();
  return exports;
}

// Zircon statuses a hook call returns (ABI.md).
const INTERNAL = -1n, INVALID_ARGS = -10n, BAD_HANDLE = -11n, OUT_OF_RANGE = -14n;
const BUFFER_TOO_SMALL = -15n, NOT_FOUND = -25n;

// Smallcaps strings: one starting with a character in ! .. - carries a leading "!".
const encodeString = (s) => (s.length > 0 && s[0] >= '!' && s[0] <= '-' ? '!' + s : s);
const decodeString = (s) => {
  if (typeof s !== 'string' || (s.length > 0 && s[0] >= '"' && s[0] <= '-')) throw new Error('not a string');
  return s.startsWith('!') ? s.slice(1) : s;
};

// The hook-call side of a vdso with one store object, referenced by the engine as `ref`.
function storeHooks({ ref, grants, entries }) {
  const store = new Map(Object.entries(entries));
  const hooks = {
    memory: null,
    pending: null,
    calls: 0,
    results: 0,
    bytes(ptr, len) {
      ptr >>>= 0;
      len >>>= 0;
      if (ptr + len > hooks.memory.buffer.byteLength) throw OUT_OF_RANGE;
      return new Uint8Array(hooks.memory.buffer, ptr, len);
    },
    deliver(ptr, cap) {
      const length = hooks.pending.length;
      if (length <= cap) {
        new Uint8Array(hooks.memory.buffer).set(hooks.pending, ptr);
        hooks.pending = null;
      }
      return BigInt(length);
    },
    run(name, args) {
      if (!grants.includes(name) || !(name === 'store.get' || name === 'store.put')) throw NOT_FOUND;
      let capdata;
      try {
        capdata = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(args));
      } catch {
        throw INVALID_ARGS;
      }
      if (typeof capdata.body !== 'string' || !capdata.body.startsWith('#')) throw INVALID_ARGS;
      if (!Array.isArray(capdata.slots) || capdata.slots.some((slot) => slot !== ref)) throw BAD_HANDLE;
      try {
        const [target, key, value] = JSON.parse(capdata.body.slice(1));
        if (target !== '$0.Alleged: Store') throw new Error('not the store');
        let result;
        if (name === 'store.get') {
          result = store.has(decodeString(key)) ? encodeString(store.get(decodeString(key))) : '#undefined';
        } else {
          store.set(decodeString(key), decodeString(value));
          result = '#undefined';
        }
        return JSON.stringify({ body: '#' + JSON.stringify(result), slots: [] });
      } catch {
        throw INTERNAL;
      }
    },
  };
  hooks.imports = {
    hook_call(namePtr, nameLen, capdataPtr, capdataLen, resultPtr, resultCap) {
      hooks.calls++;
      hooks.pending = null;
      try {
        hooks.bytes(resultPtr, resultCap);
        const name = new TextDecoder('utf-8', { fatal: true }).decode(hooks.bytes(namePtr, nameLen));
        const result = hooks.run(name, hooks.bytes(capdataPtr, capdataLen).slice());
        hooks.pending = new TextEncoder().encode(result);
        return hooks.deliver(resultPtr >>> 0, resultCap >>> 0);
      } catch (status) {
        if (typeof status !== 'bigint') throw status;
        return status;
      }
    },
    hook_result(resultPtr, resultCap) {
      hooks.results++;
      try {
        hooks.bytes(resultPtr, resultCap);
      } catch (status) {
        return status;
      }
      if (hooks.pending === null) return NOT_FOUND;
      if (hooks.pending.length > resultCap >>> 0) return BUFFER_TOO_SMALL;
      return hooks.deliver(resultPtr >>> 0, resultCap >>> 0);
    },
  };
  return hooks;
}

// The engine's log as the host reads it: header {u32 ring, u32 capacity, u64 written}.
function readLog(exports) {
  const view = new DataView(exports.memory.buffer);
  const header = exports.hermetic_log() >>> 0;
  const ring = view.getUint32(header, true);
  const capacity = view.getUint32(header + 4, true);
  const written = view.getBigUint64(header + 8, true);
  const bytes = new Uint8Array(exports.memory.buffer, ring, capacity);
  if (written <= BigInt(capacity)) return bytes.slice(0, Number(written));
  const next = Number(written % BigInt(capacity));
  return Uint8Array.of(...bytes.subarray(next), ...bytes.subarray(0, next));
}

function place(exports, input, outCap) {
  // The host's own calls cost the engine no fuel.
  const fuelBefore = exports.hermetic_fuel?.value;
  const base = exports.hermetic_span_window();
  const size = exports.hermetic_span_window_size();
  if (exports.hermetic_fuel) exports.hermetic_fuel.value = fuelBefore;
  const out = base + Math.ceil(input.length / PAGE) * PAGE;
  if (out - base + outCap > size) throw new Error('input and output exceed the span window');
  new Uint8Array(exports.memory.buffer).set(input, base);
  return { base, out };
}

const [mode, wasmPath, outCapText, ...rest] = process.argv.slice(2);
const module = await WebAssembly.compile(readFileSync(wasmPath));
const outCap = Number(outCapText);

if (mode === 'filter') {
  for (const path of rest) {
    const exports = await instantiate(module);
    const input = readFileSync(path);
    const { base, out } = place(exports, input, outCap);
    const fuel = () => (exports.hermetic_fuel ? ` fuel ${FULL_TANK - exports.hermetic_fuel.value}` : '');
    try {
      const status = exports.engine_start(base, input.length, out, outCap);
      if (status >= 0n) {
        writeFileSync(path + '.out', new Uint8Array(exports.memory.buffer, out, Number(status)));
      }
      console.log(`status ${status}${fuel()}`);
    } catch (e) {
      if (!(e instanceof ProcessExit)) throw e;
      console.log(`exit ${e.code}${fuel()}`);
    }
    if (exports.hermetic_log) writeFileSync(path + '.log', readLog(exports));
  }
} else if (mode === 'kv') {
  const [storePath, ...inputs] = rest;
  const config = JSON.parse(readFileSync(storePath, 'utf8'));
  for (const path of inputs) {
    const hooks = storeHooks(config);
    const exports = await instantiate(module, hooks);
    const input = readFileSync(path);
    const { base, out } = place(exports, input, outCap);
    const status = exports.engine_start(base, input.length, out, outCap);
    if (status >= 0n) {
      writeFileSync(path + '.out', new Uint8Array(exports.memory.buffer, out, Number(status)));
    }
    console.log(`status ${status} hook_call ${hooks.calls} hook_result ${hooks.results}`);
  }
} else if (mode === 'bench') {
  const [path, minMillisText] = rest;
  const exports = await instantiate(module);
  const input = readFileSync(path);
  const { base, out } = place(exports, input, outCap);
  let written = 0n;
  const run = () => {
    written = exports.engine_start(base, input.length, out, outCap);
    if (written < 0n) throw new Error(`engine failed with status ${written}`);
  };
  const minNanos = BigInt(Number(minMillisText) * 1e6);
  for (let i = 0; i < 3; i++) run();
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < minNanos) {
    run();
    calls++;
    elapsed = process.hrtime.bigint() - start;
  }
  console.log(`calls ${calls} nanos ${elapsed}`);
  writeFileSync(path + '.out', new Uint8Array(exports.memory.buffer, out, Number(written)));
} else {
  console.error('usage: run-engine.mjs filter|bench|kv ENGINE.wasm OUT_CAP ...');
  process.exit(2);
}
