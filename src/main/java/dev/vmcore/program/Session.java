package dev.vmcore.program;

import dev.vmcore.dump.DumpFile;
import dev.vmcore.dump.DumpOpener;

import java.util.Objects;

/**
 * One open dump and everything known about it. Later layers (kernel memory, symbols, types,
 * kernel objects) join here as they are built; commands reach them only through this object.
 */
public final class Session implements AutoCloseable {
    private final SessionInputs inputs;
    private final DumpFile dump;

    private Session(SessionInputs inputs, DumpFile dump) {
        this.inputs = inputs;
        this.dump = dump;
    }

    /** Opens the dump named by {@code inputs}; throws a VmcoreException with one line if it cannot be read. */
    public static Session open(SessionInputs inputs) {
        Objects.requireNonNull(inputs);
        return new Session(inputs, DumpOpener.open(inputs.dumps()));
    }

    public SessionInputs inputs() {
        return inputs;
    }

    public DumpFile dump() {
        return dump;
    }

    @Override
    public void close() {
        dump.close();
    }
}
