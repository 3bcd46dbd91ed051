package dev.hermetic.host.internal;

import com.dylibso.chicory.wasm.ChicoryException;

/** The engine wrote into a page mapped read-only (an input span). */
public final class ReadOnlyWriteTrap extends ChicoryException {
    private static final long serialVersionUID = 1L;

    public ReadOnlyWriteTrap(String message) {
        super(message);
    }
}
