package dev.hermetic.host;

import dev.hermetic.host.internal.wasm.ModuleFeatures;
import dev.hermetic.host.internal.wasm.code.Proposal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which WebAssembly proposals each execution mode of this host runs: Chicory 1.7.5's
 * interpreter ({@code InterpreterMachine}) and compiler ({@code WasmAnalyzer}/{@code Emitters})
 * as this host drives them, with its own copy-on-write memory. Each entry was read from
 * Chicory's source and, where wabt can assemble one, checked by running a module (see
 * FeatureSupportTest); wasm-engines/ABI.md has the same table for engine authors.
 */
final class RuntimeSupport {

    /** How far a mode runs a proposal. */
    public enum Level {
        /** Everything the proposal adds runs. */
        FULL,
        /**
         * Its types and constants may appear (a v128 global, a v128.const initializer), but no
         * instruction of it may appear in a function body.
         */
        DECLARATIONS_ONLY,
        /** A module that uses it in any way is refused. */
        NONE
    }

    /** Why each proposal that is not fully supported is not; for messages and ABI.md. */
    private static final Map<Proposal, String> WHY = new EnumMap<>(Map.of(
            Proposal.SIMD, "Chicory's interpreter and compiler implement no v128 instruction",
            Proposal.RELAXED_SIMD, "Chicory's parser does not know its opcodes",
            Proposal.LEGACY_EXCEPTIONS, "Chicory's parser knows only try_table/throw/throw_ref; build with "
                    + "the new exception-handling encoding",
            Proposal.THREADS, "a process's memory is not shared, and an atomic access to it traps (\"a non-shared "
                    + "memory has no lock\")",
            Proposal.MEMORY64, "Chicory's parser refuses 64-bit memory limits",
            Proposal.MULTI_MEMORY, "a process has exactly one memory: the copy-on-write memory, its data image, "
                    + "its limits and its snapshots cover one",
            Proposal.TAIL_CALLS, "Chicory's compiler makes return_call an ordinary call, so tail recursion "
                    + "exhausts the stack (100,000 frames do); use the interpreter"));

    private RuntimeSupport() {}

    /** How far {@code mode} runs {@code proposal}. */
    public static Level level(Proposal proposal, ExecutionMode mode) {
        return switch (proposal) {
            case SIMD -> Level.DECLARATIONS_ONLY;
            case TAIL_CALLS -> mode == ExecutionMode.INTERPRETER ? Level.FULL : Level.NONE;
            case RELAXED_SIMD, LEGACY_EXCEPTIONS, THREADS, MEMORY64, MULTI_MEMORY -> Level.NONE;
            default -> Level.FULL;
        };
    }

    /** Why {@code proposal} is not fully supported in some mode, or null if it is in both. */
    public static String why(Proposal proposal) {
        return WHY.get(proposal);
    }

    /**
     * One line per proposal the module uses that {@code mode} does not run, naming where it is
     * first used, e.g. "uses SIMD (v128.const in function 12), which neither mode of this
     * runtime executes: ..."; empty when the module can run.
     */
    public static List<String> refusals(ModuleFeatures features, ExecutionMode mode) {
        List<String> refusals = new ArrayList<>();
        for (var e : features.used().entrySet()) {
            Proposal p = e.getKey();
            String where = switch (level(p, mode)) {
                case FULL -> null;
                case DECLARATIONS_ONLY -> features.executed().get(p);
                case NONE -> e.getValue();
            };
            if (where != null) {
                refusals.add("uses " + p.description() + " (" + where + "), which " + modes(p, mode) + ": " + why(p));
            }
        }
        return refusals;
    }

    private static String modes(Proposal p, ExecutionMode mode) {
        ExecutionMode other = mode == ExecutionMode.COMPILED ? ExecutionMode.INTERPRETER : ExecutionMode.COMPILED;
        if (level(p, other) == level(p, mode)) {
            return "neither mode of this runtime executes";
        }
        return "the " + mode.name().toLowerCase(Locale.ROOT) + " mode does not execute (the "
                + other.name().toLowerCase(Locale.ROOT) + " mode does)";
    }
}
