package dev.hermetic.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hermetic.host.Engine;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.ExecutionMode;
import dev.hermetic.host.FilterRequest;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessLog;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Span;
import dev.hermetic.host.Value;
import dev.hermetic.host.ValueType;
import dev.hermetic.host.Vdso;
import dev.hermetic.vmo.Vmo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hermetic run ENGINE.wasm --in FILE --out FILE}: the filter convention,
 * {@code engine_start(in_ptr, in_len, out_ptr, out_cap) -> i64}, where a result r >= 0 is the
 * number of output bytes and r < 0 a failure status. {@code hermetic run ENGINE.wasm -- 17 23}
 * runs any engine: the arguments are parsed as {@code engine_start}'s parameter types, and its
 * result is printed and is the exit code (0..255; anything else exits 1).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a filter engine on a file and writes what it outputs, or any engine on arguments given"
                + " after --; the engine's log (its stdout and stderr) goes to stderr.")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModuleOptions module;

    @Mixin
    CacheOptions cache;

    @Parameters(index = "0", paramLabel = "ENGINE.wasm", description = "The engine to run.")
    Path engine;

    @Option(names = "--in", paramLabel = "FILE", description = "The input, mapped read-only (filters).")
    Path input;

    @Option(names = "--out", paramLabel = "FILE", description = "Where the output goes (filters).")
    Path output;

    @Parameters(index = "1..*", paramLabel = "ARG",
            description = "Instead of --in/--out: arguments for engine_start, after --, checked against its parameter types.")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--out-capacity", paramLabel = "SIZE", converter = Sizes.ByteSize.class,
            description = "Room for the output (default: 4 times the input's size, at least 64K).")
    Long outCapacity;

    @Option(names = "--timeout", paramLabel = "TIME", converter = Sizes.Time.class, defaultValue = "10s",
            description = "Wall-clock deadline, like 500ms, 10s, 2m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = Sizes.ByteSize.class, defaultValue = "64M",
            description = "Most linear memory and committed bytes, like 64M, 1G (default: ${DEFAULT-VALUE}).")
    long maxMemory;

    @Option(names = "--interpreter", description = "Interpret instead of compiling to JVM bytecode.")
    boolean interpreter;

    @Option(names = "--json", description = "Print the result as one JSON object (with the fuel consumed).")
    boolean json;

    @Option(names = "--fuel", paramLabel = "N",
            description = "Fuel budget: the most deterministic instruction units the engine may consume (default: no limit).")
    Long fuel;

    private Limits limits() {
        Limits.Builder b = Limits.builder().withDeadline(timeout).withMaxMemoryBytes(maxMemory);
        if (fuel != null) {
            if (fuel <= 0) {
                throw new ParameterException(spec.commandLine(), "--fuel must be positive: " + fuel);
            }
            b.withFuel(fuel);
        }
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        // "--" alone says "any engine, no arguments" (an engine_start that takes none): picocli
        // drops the marker, so it is looked for among the words given.
        if (!arguments.isEmpty() || spec.commandLine().getParseResult().originalArgs().contains("--")) {
            return callWithArguments();
        }
        if (input == null || output == null) {
            throw new ParameterException(spec.commandLine(),
                    "a filter needs --in FILE and --out FILE; any other engine takes its arguments after --");
        }
        byte[] wasm = module.read(engine);
        byte[] in = Files.readAllBytes(input);
        int capacity = outCapacity != null ? (int) Math.min(FilterRequest.MAX_CAPACITY, outCapacity)
                : FilterRequest.defaultOutputCapacity(in.length);
        Limits limits = limits();
        try (Host host = cache.apply(module.host())
                .withExecutionMode(interpreter ? ExecutionMode.INTERPRETER : ExecutionMode.COMPILED)
                .withVdso(Vdso.EXIT_ONLY)
                .build()) {
            String name = engine.getFileName().toString().replaceFirst("\\.wasm$", "");
            long t0 = System.nanoTime();
            Engine loaded = host.load(name, wasm);
            long loadMillis = (System.nanoTime() - t0) / 1_000_000;
            Vmo inVmo = Vmo.create(Math.max(in.length, 1));
            inVmo.write(in, 0);
            Vmo outVmo = Vmo.create(capacity);
            EngineProcess process = loaded.newProcess(limits)
                    .start(Span.readOnly(inVmo, 0, in.length), Span.writable(outVmo, 0, capacity));
            ProcessResult result = process.await();
            printLog(process.log());
            return report(result, outVmo, capacity, loadMillis, process.duration(), process.fuelConsumed());
        }
    }

    /** The engine's own messages go to stderr before the host's verdict on them. */
    private void printLog(ProcessLog log) {
        PrintWriter err = spec.commandLine().getErr();
        if (log.truncated()) {
            err.println("hermetic: the engine's log dropped its first " + log.droppedBytes() + " bytes");
        }
        String text = log.text();
        err.print(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            err.println();
        }
        err.flush();
    }

    /** Runs any engine: the arguments are parsed as engine_start's parameter types; its result is the exit code. */
    private int callWithArguments() throws Exception {
        byte[] wasm = module.read(engine);
        Limits limits = limits();
        try (Host host = cache.apply(module.host())
                .withExecutionMode(interpreter ? ExecutionMode.INTERPRETER : ExecutionMode.COMPILED)
                .withVdso(Vdso.EXIT_ONLY)
                .build()) {
            Engine loaded = host.load(wasm);
            List<ValueType> types = loaded.startParameters();
            if (types.size() != arguments.size()) {
                throw new ParameterException(spec.commandLine(), "engine_start takes " + types + " but "
                        + arguments.size() + " argument" + (arguments.size() == 1 ? " was" : "s were") + " given");
            }
            Value[] values = new Value[types.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = parse(types.get(i), arguments.get(i));
            }
            EngineProcess process = loaded.newProcess(limits).start(values);
            ProcessResult result = process.await();
            printLog(process.log());
            if (result instanceof ProcessResult.Returned r) {
                PrintWriter out = spec.commandLine().getOut();
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("outcome", result.outcome());
                r.value().ifPresent(v -> fields.put("value", v.type() == ValueType.F32 ? (Object) v.asFloat()
                        : v.type() == ValueType.F64 ? (Object) v.asDouble() : (Object) v.asLong()));
                fields.put("durationMillis", process.duration().toMillis());
                fields.put("fuel", process.fuelConsumed());
                out.println(json ? new ObjectMapper().writeValueAsString(fields)
                        : "returned " + fields.getOrDefault("value", "nothing"));
                // ABI.md: a non-filter engine_start's result is the exit code.
                long code = r.value().filter(v -> v.type() == ValueType.I32 || v.type() == ValueType.I64).map(Value::asLong).orElse(0L);
                return code >= 0 && code <= 255 ? (int) code : 1;
            }
            return report(result, null, 0, 0, process.duration(), process.fuelConsumed());
        }
    }

    private Value parse(ValueType type, String text) {
        try {
            return switch (type) {
                case I32 -> Value.i32((int) Long.parseLong(text));
                case I64 -> Value.i64(Long.parseLong(text));
                case F32 -> Value.f32(Float.parseFloat(text));
                case F64 -> Value.f64(Double.parseDouble(text));
            };
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "'" + text + "' is not " + type);
        }
    }

    private int report(ProcessResult result, Vmo outVmo, int capacity, long loadMillis, Duration duration, long fuelUsed)
            throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", result.outcome());
        int exitCode;
        if (result instanceof ProcessResult.Returned r) {
            long value = r.value().map(v -> v.asLong()).orElse(0L);
            fields.put("value", value);
            if (value >= 0 && value <= capacity) {
                byte[] bytes = new byte[(int) value];
                outVmo.read(bytes, 0);
                Files.write(output, bytes);
                fields.put("outputBytes", value);
                exitCode = 0;
            } else if (value > capacity) {
                err.println("hermetic: the engine claims " + value + " output bytes but had room for " + capacity);
                exitCode = 1;
            } else {
                err.println("hermetic: the engine failed with status " + value);
                exitCode = 1;
            }
        } else if (result instanceof ProcessResult.Exited e) {
            fields.put("code", e.code());
            err.println("hermetic: the engine exited with code " + e.code());
            exitCode = e.code() >= 0 && e.code() <= 255 ? (int) e.code() : 1;
        } else if (result instanceof ProcessResult.Trapped t) {
            fields.put("kind", t.kind().name());
            fields.put("message", t.message());
            err.println("hermetic: the engine trapped: " + t.kind() + ": " + t.message());
            exitCode = 1;
        } else if (result instanceof ProcessResult.Failed f) {
            fields.put("message", f.error().message());
            err.println("hermetic: the host failed the process: " + f.error().message());
            exitCode = 1;
        } else {
            ProcessResult.Killed k = (ProcessResult.Killed) result;
            fields.put("reason", k.reason().name());
            err.println("hermetic: the engine was killed: " + k.reason());
            exitCode = 1;
        }
        fields.put("loadMillis", loadMillis);
        fields.put("durationMillis", duration.toMillis());
        fields.put("fuel", fuelUsed);
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(fields));
        } else if (exitCode == 0) {
            out.println("wrote " + fields.get("outputBytes") + " bytes to " + output + " in " + duration.toMillis() + " ms");
        }
        return exitCode;
    }
}
