# Runs a packaged engine on Wasmtime (Cranelift) with the same minimal host as the Java tests and
# run-engine.mjs: vdso.process_exit only, the input copied into the engine's span window at its
# base, the output at the next 4 KiB boundary. Needs the wasmtime package (pip install wasmtime).
#
#   python3 run-engine.py bench ENGINE.wasm OUT_CAP IN MIN_MILLIS [fuel]
#       one instance, engine_start repeated for at least MIN_MILLIS after a warm-up; prints
#       "calls N nanos T sha256 HEX", HEX the digest of the last call's output. With "fuel",
#       Wasmtime meters fuel (Config.consume_fuel, a budget of 2^63-1) and the line ends with
#       "fuel F", what the last call consumed in Wasmtime's units. Wasmtime's
#       defaults: Cranelift, copy-on-write memory initialization (the Python package does not
#       expose the pooling allocator).
import hashlib
import sys
import time

import wasmtime

PAGE = 4096


class ProcessExit(Exception):
    pass


def main(argv):
    mode, wasm_path, out_cap_text, in_path, min_millis_text = argv[:5]
    fuel = argv[5:6] == ["fuel"]
    if mode != "bench":
        print("usage: run-engine.py bench ENGINE.wasm OUT_CAP IN MIN_MILLIS [fuel]", file=sys.stderr)
        return 2
    config = wasmtime.Config()
    config.consume_fuel = fuel
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    if fuel:
        store.set_fuel(2**63 - 1)
    module = wasmtime.Module.from_file(engine, wasm_path)
    linker = wasmtime.Linker(engine)

    def process_exit(code):
        raise ProcessExit(code)

    linker.define_func("vdso", "process_exit", wasmtime.FuncType([wasmtime.ValType.i64()], []), process_exit)
    instance = linker.instantiate(store, module)
    exports = instance.exports(store)
    if "_initialize" in exports:
        exports["_initialize"](store)
    memory = exports["memory"]
    data = open(in_path, "rb").read()
    out_cap = int(out_cap_text)
    base = exports["hermetic_span_window"](store)
    size = exports["hermetic_span_window_size"](store)
    out = base + (len(data) + PAGE - 1) // PAGE * PAGE
    if out - base + out_cap > size:
        raise ValueError("input and output exceed the span window")
    memory.write(store, data, base)
    start_fn = exports["engine_start"]

    def run():
        status = start_fn(store, base, len(data), out, out_cap)
        if status < 0:
            raise RuntimeError("engine failed with status %d" % status)
        return status

    for _ in range(3):
        run()
    min_nanos = int(min_millis_text) * 1_000_000
    calls = 0
    start = time.perf_counter_ns()
    elapsed = 0
    status = 0
    while elapsed < min_nanos:
        status = run()
        calls += 1
        elapsed = time.perf_counter_ns() - start
    digest = hashlib.sha256(memory.read(store, out, out + status)).hexdigest()
    line = "calls %d nanos %d sha256 %s" % (calls, elapsed, digest)
    if fuel:
        before = store.get_fuel()
        run()
        line += " fuel %d" % (before - store.get_fuel())
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
