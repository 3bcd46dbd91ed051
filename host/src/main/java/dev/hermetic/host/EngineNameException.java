package dev.hermetic.host;

/** The bytes are loaded already under another name; an engine's name is fixed by its first load. */
public class EngineNameException extends HermeticException {
    private static final long serialVersionUID = 1L;

    public EngineNameException(String message) {
        super(message);
    }
}
