// Runs packaged engines on V8 with the same minimal host as the Java tests: vdso.process_exit
// only, spans copied into the engine's span window (input at the base, output at the next
// 4 KiB boundary).
//
//   node run-engine.mjs filter ENGINE.wasm OUT_CAP IN...
//       one fresh instance per input file; writes IN.out and prints one line per input:
//       "status N" (the engine_start result) or "exit N" (process_exit was called)
//   node run-engine.mjs bench ENGINE.wasm OUT_CAP IN MIN_MILLIS
//       one instance, engine_start repeated for at least MIN_MILLIS after a warm-up;
//       prints "calls N nanos T"
import { readFileSync, writeFileSync } from 'node:fs';

const PAGE = 4096;

class ProcessExit extends Error {
  constructor(code) {
    super(`process_exit(${code})`);
    this.code = code;
  }
}

async function instantiate(module) {
  const imports = { vdso: { process_exit: (code) => { throw new ProcessExit(code); } } };
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports;
  if (exports._initialize) exports._initialize();
  return exports;
}

function place(exports, input, outCap) {
  const base = exports.hermetic_span_window();
  const size = exports.hermetic_span_window_size();
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
    try {
      const status = exports.engine_start(base, input.length, out, outCap);
      if (status >= 0n) {
        writeFileSync(path + '.out', new Uint8Array(exports.memory.buffer, out, Number(status)));
      }
      console.log(`status ${status}`);
    } catch (e) {
      if (!(e instanceof ProcessExit)) throw e;
      console.log(`exit ${e.code}`);
    }
  }
} else if (mode === 'bench') {
  const [path, minMillisText] = rest;
  const exports = await instantiate(module);
  const input = readFileSync(path);
  const { base, out } = place(exports, input, outCap);
  const run = () => {
    const status = exports.engine_start(base, input.length, out, outCap);
    if (status < 0n) throw new Error(`engine failed with status ${status}`);
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
} else {
  console.error('usage: run-engine.mjs filter|bench ENGINE.wasm OUT_CAP ...');
  process.exit(2);
}
