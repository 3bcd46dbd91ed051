// Runs engines and pre-initialized modules on V8 with the minimal host of the Java tests:
// vdso.process_exit only, spans copied into the span window (input at the base, output at
// the next 4 KiB boundary).
//
//   node run-portable.mjs filter ENGINE.wasm OUT_CAP WARM IN...
//       one fresh instance per input; WARM=1 first calls _initialize and engine_init (those
//       exported), WARM=0 calls neither. Writes IN.out; prints one line per input:
//       "status N" (engine_start's result), "exit N" (process_exit) or "trap MESSAGE"
//   node run-portable.mjs calls MODULE.wasm WARM EXPORT[/ARG] ...
//       one fresh instance per call, warmed as above; prints "value N" or "trap" per call
//   node run-portable.mjs time ENGINE.wasm OUT_CAP WARM IN RUNS
//       compiles once, then RUNS times: instantiate, warm as above, place IN, engine_start.
//       Prints "compile_us C first_us F median_us M min_us N"
import { readFileSync, writeFileSync } from 'node:fs';

const PAGE = 4096;

class ProcessExit extends Error {
  constructor(code) {
    super(`process_exit(${code})`);
    this.code = code;
  }
}

async function instantiate(module, warm) {
  const imports = { vdso: { process_exit: (code) => { throw new ProcessExit(code); } } };
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports;
  if (warm) {
    if (exports._initialize) exports._initialize();
    if (exports.engine_init) exports.engine_init();
  }
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

const [mode, wasmPath, ...rest] = process.argv.slice(2);
const started = process.hrtime.bigint();
const module = await WebAssembly.compile(readFileSync(wasmPath));
const compileNanos = process.hrtime.bigint() - started;

if (mode === 'filter') {
  const [outCapText, warmText, ...inputs] = rest;
  const outCap = Number(outCapText);
  for (const path of inputs) {
    const exports = await instantiate(module, warmText === '1');
    const input = readFileSync(path);
    const { base, out } = place(exports, input, outCap);
    try {
      const status = exports.engine_start(base, input.length, out, outCap);
      if (status >= 0n) {
        writeFileSync(path + '.out', new Uint8Array(exports.memory.buffer, out, Number(status)));
      }
      console.log(`status ${status}`);
    } catch (e) {
      if (e instanceof ProcessExit) console.log(`exit ${e.code}`);
      else if (e instanceof WebAssembly.RuntimeError) console.log(`trap ${e.message}`);
      else throw e;
    }
  }
} else if (mode === 'calls') {
  const [warmText, ...calls] = rest;
  for (const call of calls) {
    const [name, arg] = call.split('/');
    const exports = await instantiate(module, warmText === '1');
    try {
      const value = arg === undefined ? exports[name]() : exports[name](Number(arg));
      console.log(`value ${value}`);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) console.log('trap');
      else throw e;
    }
  }
} else if (mode === 'time') {
  const [outCapText, warmText, path, runsText] = rest;
  const outCap = Number(outCapText);
  const input = readFileSync(path);
  const micros = [];
  for (let i = 0; i < Number(runsText); i++) {
    const t0 = process.hrtime.bigint();
    const exports = await instantiate(module, warmText === '1');
    const { base, out } = place(exports, input, outCap);
    const status = exports.engine_start(base, input.length, out, outCap);
    micros.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (status < 0n) throw new Error(`engine failed with status ${status}`);
  }
  const sorted = [...micros].sort((a, b) => a - b);
  const us = (v) => Math.round(v);
  console.log(`compile_us ${us(Number(compileNanos) / 1000)} first_us ${us(micros[0])}`
      + ` median_us ${us(sorted[Math.floor(sorted.length / 2)])} min_us ${us(sorted[0])}`);
} else {
  console.error('usage: run-portable.mjs filter|calls|time ENGINE.wasm ...');
  process.exit(2);
}
