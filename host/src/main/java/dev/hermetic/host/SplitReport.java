package dev.hermetic.host;

import java.util.List;

/**
 * What the host did, at load, to functions too large for the JVM's JIT. HotSpot does not
 * compile a method of more than 8,000 bytes of bytecode under its default flags; such a
 * function would run in the JVM's bytecode interpreter for good. So before compiling, the host
 * splits every function whose estimated method is over the limit into the function and
 * pieces: new functions holding runs of its statements, appended after the module's own.
 * The module's exports, tables and results are unchanged.
 *
 * @param functions every function whose estimate was over the limit, in index order
 * @param problem why the module could not be split at all (it then runs unsplit), or null
 */
public record SplitReport(List<Split> functions, String problem) {

    /** Nothing to report: no function over the limit, or splitting off. */
    public static final SplitReport NONE = new SplitReport(List.of(), null);

    public SplitReport {
        functions = List.copyOf(functions);
    }

    /**
     * One function that was over the limit.
     *
     * @param index its index in the module's function index space
     * @param name its name from the module's name section, or {@code #index}
     * @param estimatedBytesBefore its method's estimated JVM bytecode bytes as loaded
     * @param estimatedBytesAfter the estimate after splitting; still over the limit when it
     *     could not be split enough
     * @param pieces how many new functions it was split into; 0 when it could not be split
     * @param problem why it could not be split (enough), or null
     */
    public record Split(int index, String name, int estimatedBytesBefore, int estimatedBytesAfter, int pieces,
            String problem) {}

    /** How many functions were split. */
    public int functionsSplit() {
        return (int) functions.stream().filter(s -> s.pieces() > 0).count();
    }

    /** How many new functions splitting made. */
    public int piecesMade() {
        return functions.stream().mapToInt(Split::pieces).sum();
    }

    /** How many functions stay over the limit: their methods may run in the JVM's interpreter. */
    public int functionsLeftTooLarge() {
        return (int) functions.stream().filter(s -> s.problem() != null).count() + (problem != null ? 1 : 0);
    }
}
