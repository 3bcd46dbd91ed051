package dev.hermetic.host;

/** An argument to {@code engine_start}: a number, or a span passed as {@code (ptr, len)}. */
public sealed interface Arg permits Value, Span {}
