package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import java.util.List;
import java.util.Optional;

/**
 * A process's instance as a {@link Warmup} and a {@link WarmProcess} call it: any exported
 * function taking and returning numbers, its arguments checked and placed as for
 * {@code engine_start}. Used only on the process's thread, while the process runs.
 */
final class InstanceExports implements WarmInstance {
    /** The engine the instance was made from: its module says what it exports. */
    private final Engine engine;
    private final Instance instance;
    /** The instance's memory, into which spans are mapped. */
    private final ProcessMemory memory;

    InstanceExports(Engine engine, Instance instance, ProcessMemory memory) {
        this.engine = engine;
        this.instance = instance;
        this.memory = memory;
    }

    @Override
    public boolean exportsFunction(String name) {
        return EngineChecker.exportedFunction(engine.module(), name).isPresent();
    }

    @Override
    public Optional<Value> call(String export, Arg... args) {
        var type = EngineChecker.exportedFunction(engine.module(), export).orElseThrow(
                () -> new ArgumentMismatchException("the engine exports no function " + export));
        if (type.returns().size() > 1 || type.returns().stream().anyMatch(t -> Engine.valueType(t) == null)
                || type.params().stream().anyMatch(t -> Engine.valueType(t) == null)) {
            throw new ArgumentMismatchException(export + " takes or returns something other than numbers: " + type);
        }
        List<ValueType> parameters = type.params().stream().map(Engine::valueType).toList();
        CallArguments.check(export, parameters, args);
        long[] returned = instance.export(export).apply(CallArguments.place(engine, instance, memory, parameters.size(), args));
        return type.returns().stream().findFirst().map(t -> new Value(Engine.valueType(t), returned[0]));
    }
}
