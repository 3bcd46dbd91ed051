package dev.hermetic.host;

/** The four number types an engine's entry point may take and return. */
public enum ValueType {
    I32,
    I64,
    F32,
    F64
}
