package dev.hermetic.engines;

import java.util.List;

/** Thrown when an engine name is not among {@link Engines#names()}. */
public final class UnknownEngineException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The name that was asked for; never null. */
    private final String name;

    UnknownEngineException(String name, List<String> known) {
        super("unknown engine '" + name + "'; known engines: " + String.join(", ", known));
        this.name = name;
    }

    /** The name that was asked for. */
    public String name() {
        return name;
    }
}
