package dev.hermetic.host;

/** How an engine's code runs. */
public enum ExecutionMode {
    /** Translated once per engine to JVM bytecode by Chicory's runtime compiler: the fast default. */
    COMPILED,
    /** Chicory's interpreter: no compilation cost, about a hundred times slower. */
    INTERPRETER
}
