package dev.hermetic.flink;

import dev.hermetic.host.Engine;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.HermeticException;
import dev.hermetic.host.Host;
import dev.hermetic.host.KillReason;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Span;
import dev.hermetic.host.Warmup;
import dev.hermetic.vmo.Vmo;

/**
 * The one place this module calls the host: warming an engine into a snapshot, and running one
 * record on a clone of it. Everything else speaks {@link EngineSpec} and {@link EngineResult}.
 */
final class HostAdapter {
    private HostAdapter() {}

    /** The spec's engine loaded in the pool's host and a warm snapshot of it; closing it closes the snapshot and unloads the engine. */
    record Warm(Engine engine, Snapshot snapshot) implements AutoCloseable {
        @Override
        public void close() {
            try {
                snapshot.close();
            } finally {
                // Unloaded, a later load of the same bytes may take another name.
                engine.close();
            }
        }
    }

    /**
     * Loads the spec's module into {@code host} and snapshots it under the spec's limits. A
     * pre-initialized module exports no {@code engine_init}, so the warm-up runs no engine code.
     */
    static Warm warm(Host host, EngineSpec spec) {
        Engine engine = host.load(spec.name(), spec.module());
        try {
            return new Warm(engine, engine.snapshot(spec.limits(), Warmup.engineInit()));
        } catch (InterruptedException e) {
            // The task is being cancelled while it warms: keep the interrupt for Flink to see.
            engine.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming " + spec.name(), e);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Runs {@code record} on a fresh clone of {@code snapshot} under the spec's limits. */
    static EngineResult run(Snapshot snapshot, EngineSpec spec, byte[] record) {
        if (spec.codec() == Codec.NO_ARGUMENTS) {
            return start(() -> snapshot.spawn(spec.limits()).start(), null, spec);
        }
        try (Vmo input = Vmo.create(Math.max(1, record.length));
                Vmo output = Vmo.create(spec.outputCapacity())) {
            input.write(record, 0);
            return start(() -> snapshot.spawn(spec.limits())
                    .start(Span.readOnly(input, 0, record.length), Span.writable(output, 0, spec.outputCapacity())),
                    output, spec);
        }
    }

    private interface Starter {
        EngineProcess start();
    }

    private static EngineResult start(Starter starter, Vmo output, EngineSpec spec) {
        EngineProcess process;
        try {
            process = starter.start();
        } catch (HermeticException e) {
            return new EngineResult.Failed(FailureKind.REFUSED, e.getMessage());
        }
        ProcessResult result;
        try {
            result = process.await();
        } catch (InterruptedException e) {
            // Cancellation: the clone is killed with the task, and the interrupt is kept.
            process.kill();
            Thread.currentThread().interrupt();
            return new EngineResult.Failed(FailureKind.KILLED, "interrupted while the engine ran");
        } catch (RuntimeException e) {
            process.kill();
            throw e;
        }
        return toResult(result, output, spec);
    }

    /** The sealed result of one process; {@code output} is null when the codec passes no spans. */
    static EngineResult toResult(ProcessResult result, Vmo output, EngineSpec spec) {
        if (result instanceof ProcessResult.Returned returned) {
            if (output == null || returned.value().isEmpty()) {
                return new EngineResult.Failed(FailureKind.EXITED,
                        "returned " + returned.value().map(v -> String.valueOf(v.asLong())).orElse("nothing"));
            }
            long r = returned.value().get().asLong();
            if (r < 0) {
                return new EngineResult.Failed(FailureKind.STATUS, "status " + r);
            }
            if (r > spec.outputCapacity()) {
                return new EngineResult.Failed(FailureKind.STATUS,
                        "claimed " + r + " output bytes, more than the capacity " + spec.outputCapacity());
            }
            byte[] bytes = new byte[(int) r];
            output.read(bytes, 0);
            return new EngineResult.Ok(bytes);
        } else if (result instanceof ProcessResult.Exited exited) {
            return new EngineResult.Failed(FailureKind.EXITED, "exit code " + exited.code());
        } else if (result instanceof ProcessResult.Trapped trapped) {
            return new EngineResult.Failed(FailureKind.TRAPPED, trapped.kind() + ": " + trapped.message());
        } else if (result instanceof ProcessResult.Killed killed) {
            FailureKind kind = killed.reason() == KillReason.DEADLINE ? FailureKind.DEADLINE
                    : killed.reason() == KillReason.MEMORY_LIMIT ? FailureKind.MEMORY_LIMIT : FailureKind.KILLED;
            return new EngineResult.Failed(kind, "killed: " + killed.reason());
        }
        return new EngineResult.Failed(FailureKind.HOST_ERROR, String.valueOf(((ProcessResult.Failed) result).error()));
    }
}
