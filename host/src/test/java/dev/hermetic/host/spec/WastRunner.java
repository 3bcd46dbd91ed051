package dev.hermetic.host.spec;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.Store;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import dev.hermetic.host.spec.WastScript.Command;
import dev.hermetic.host.spec.WastScript.Literal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runs one spec script through Chicory with a chosen {@link Memory} implementation and
 * execution mode, the way the specification's reference interpreter would: modules are
 * instantiated in order, {@code register} names them for later imports, and every assertion
 * is checked. Failures are collected, not thrown, so one run reports all of them.
 */
final class WastRunner {

    /** Interpreter or the runtime compiler (Wasm to JVM bytecode). */
    enum Mode {
        INTERPRETER,
        COMPILED
    }

    /** What a run found. {@code skipped} counts text-format checks, which test wabt's parser. */
    record Report(int passed, int skipped, List<String> failures, int rewritten) {}

    /**
     * Validation rules of the suite's commit that later proposals, which Chicory implements,
     * relaxed: these modules are now valid, so they must instantiate. Nothing here concerns
     * linear memory's behaviour.
     */
    private static final Map<String, String> SUPERSEDED =
            Map.of(
                    "memory.wast:10", "multi-memory allows a second memory",
                    "memory.wast:11", "multi-memory allows a second memory",
                    "data.wast:89", "extended-const allows global.get of a module global",
                    "data.wast:93", "extended-const allows global.get of a module global");

    private final WastScript script;
    private final Function<MemoryLimits, Memory> memoryFactory;
    private final Mode mode;
    /** Applied to the bytes of every module the script instantiates as valid; identity by default. */
    private final UnaryOperator<byte[]> rewrite;
    /** How many modules {@link #rewrite} changed. */
    private int rewritten;

    private final Store store = new Store();
    private final Map<String, Instance> named = new HashMap<>();
    private Instance current;
    private final List<String> failures = new ArrayList<>();
    private int passed;
    private int skipped;

    WastRunner(WastScript script, Function<MemoryLimits, Memory> memoryFactory, Mode mode) {
        this(script, memoryFactory, mode, UnaryOperator.identity());
    }

    /** A runner that rewrites each valid module's bytes (say, splits its functions) before instantiating it. */
    WastRunner(WastScript script, Function<MemoryLimits, Memory> memoryFactory, Mode mode, UnaryOperator<byte[]> rewrite) {
        this.script = script;
        this.memoryFactory = memoryFactory;
        this.mode = mode;
        this.rewrite = rewrite;
        store.addImportValues(spectest(memoryFactory));
    }

    Report run() {
        for (Command c : script.commands()) {
            try {
                execute(c);
            } catch (AssertionError | RuntimeException e) {
                failures.add(c.where(script.name()) + " " + c.type() + ": " + e);
            }
        }
        return new Report(passed, skipped, List.copyOf(failures), rewritten);
    }

    private void execute(Command c) {
        switch (c.type()) {
            case "module":
                current = instantiate(c.filename(), rewrite);
                if (c.name() != null) {
                    named.put(c.name(), current);
                }
                passed++;
                break;
            case "register":
                store.register(c.as(), c.name() != null ? named.get(c.name()) : current);
                passed++;
                break;
            case "action":
                invoke(c);
                passed++;
                break;
            case "assert_return":
                checkReturn(c, invoke(c));
                passed++;
                break;
            case "assert_trap":
            case "assert_exhaustion":
                expectFailure(c, () -> invoke(c));
                passed++;
                break;
            case "assert_malformed":
            case "assert_invalid":
            case "assert_unlinkable":
            case "assert_uninstantiable":
                if ("text".equals(c.moduleType())) {
                    skipped++;
                    break;
                }
                if (SUPERSEDED.containsKey(c.where(script.name()))) {
                    instantiate(c.filename());
                    passed++;
                    break;
                }
                expectFailure(c, () -> instantiate(c.filename()));
                passed++;
                break;
            default:
                throw new AssertionError("unknown command " + c.type());
        }
    }

    private Instance instantiate(String filename) {
        return instantiate(filename, UnaryOperator.identity());
    }

    private Instance instantiate(String filename, UnaryOperator<byte[]> rewrite) {
        byte[] original;
        try {
            original = java.nio.file.Files.readAllBytes(script.dir().resolve(filename));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] bytes = rewrite.apply(original);
        if (bytes != original) {
            rewritten++;
        }
        WasmModule module = Parser.parse(bytes);
        Instance.Builder builder =
                Instance.builder(module)
                        .withImportValues(store.toImportValues())
                        .withMemoryFactory(memoryFactory);
        if (mode == Mode.COMPILED) {
            builder.withMachineFactory(MachineFactoryCompiler.compile(module));
        }
        return builder.build();
    }

    private long[] invoke(Command c) {
        WastScript.Action a = c.action();
        Instance target = a.module() != null ? named.get(a.module()) : current;
        if (target == null) {
            throw new AssertionError("no module instance for " + a);
        }
        if ("get".equals(a.type())) {
            return new long[] {target.exports().global(a.field()).getValue()};
        }
        long[] args = a.args().stream().mapToLong(Literal::bits).toArray();
        long[] results = target.exports().function(a.field()).apply(args);
        return results == null ? new long[0] : results;
    }

    private static void checkReturn(Command c, long[] actual) {
        List<Literal> expected = c.expected();
        if (actual.length != expected.size()) {
            throw new AssertionError("expected " + expected.size() + " results, got " + actual.length);
        }
        for (int i = 0; i < actual.length; i++) {
            Literal e = expected.get(i);
            if (!matches(e, actual[i])) {
                throw new AssertionError(
                        "result " + i + ": expected " + e.type() + " " + e.value() + ", got " + actual[i]);
            }
        }
    }

    private static boolean matches(Literal e, long actual) {
        switch (e.type()) {
            case "i32":
                return (int) actual == (int) e.bits();
            case "f32":
                int f = (int) actual;
                if (e.isCanonicalNan()) {
                    return (f & 0x7fffffff) == 0x7fc00000;
                }
                if (e.isArithmeticNan()) {
                    return Float.isNaN(Float.intBitsToFloat(f)) && (f & 0x00400000) != 0;
                }
                return f == (int) e.bits();
            case "f64":
                if (e.isCanonicalNan()) {
                    return (actual & 0x7fffffffffffffffL) == 0x7ff8000000000000L;
                }
                if (e.isArithmeticNan()) {
                    return Double.isNaN(Double.longBitsToDouble(actual))
                            && (actual & 0x0008000000000000L) != 0;
                }
                return actual == e.bits();
            default:
                return actual == e.bits();
        }
    }

    /**
     * The command must fail with a Chicory error (a trap, or a module refused at parse,
     * validation, link or instantiation); for traps the message must name the expected trap.
     */
    private static void expectFailure(Command c, Runnable body) {
        try {
            body.run();
        } catch (ChicoryException e) {
            if (c.type().equals("assert_trap")
                    && (e.getMessage() == null || !e.getMessage().contains(c.text()))) {
                throw new AssertionError("expected trap '" + c.text() + "', got: " + e, e);
            }
            return;
        }
        throw new AssertionError("expected failure '" + c.text() + "', but it succeeded");
    }

    /** The specification's {@code spectest} host module, with its memory from the factory. */
    private static ImportValues spectest(Function<MemoryLimits, Memory> memoryFactory) {
        WasmFunctionHandle noop = (instance, args) -> null;
        ImportValues.Builder b = ImportValues.builder();
        Object[][] prints = {
            {"print", List.of()},
            {"print_i32", List.of(ValType.I32)},
            {"print_i64", List.of(ValType.I64)},
            {"print_f32", List.of(ValType.F32)},
            {"print_f64", List.of(ValType.F64)},
            {"print_i32_f32", List.of(ValType.I32, ValType.F32)},
            {"print_f64_f64", List.of(ValType.F64, ValType.F64)},
        };
        for (Object[] p : prints) {
            @SuppressWarnings("unchecked")
            List<ValType> params = (List<ValType>) p[1];
            b.addFunction(new HostFunction("spectest", (String) p[0], FunctionType.of(params, List.of()), noop));
        }
        return b.addGlobal(new ImportGlobal("spectest", "global_i32", new GlobalInstance(Value.i32(666))))
                .addGlobal(new ImportGlobal("spectest", "global_i64", new GlobalInstance(Value.i64(666))))
                .addGlobal(new ImportGlobal("spectest", "global_f32", new GlobalInstance(Value.fromFloat(666.6f))))
                .addGlobal(new ImportGlobal("spectest", "global_f64", new GlobalInstance(Value.fromDouble(666.6))))
                .addMemory(new ImportMemory("spectest", "memory", memoryFactory.apply(new MemoryLimits(1, 2))))
                .addTable(
                        new ImportTable(
                                "spectest",
                                "table",
                                new TableInstance(
                                        new Table(ValType.FuncRef, new TableLimits(10, 20)),
                                        Value.REF_NULL_VALUE)))
                .build();
    }
}
