package dev.vmcore.program;

import java.util.Objects;

/**
 * One open dump and everything known about it. Later layers (memory, symbols, types, kernel
 * objects) join here as they are built; commands reach them only through this object.
 */
public final class Session implements AutoCloseable {
    private final SessionInputs inputs;

    private Session(SessionInputs inputs) {
        this.inputs = inputs;
    }

    /** Opens a session over already-recognised input files. */
    public static Session open(SessionInputs inputs) {
        return new Session(Objects.requireNonNull(inputs));
    }

    public SessionInputs inputs() {
        return inputs;
    }

    @Override
    public void close() {
        // Nothing is held open yet; dump readers will be closed here.
    }
}
