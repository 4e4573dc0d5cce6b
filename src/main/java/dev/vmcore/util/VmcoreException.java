package dev.vmcore.util;

/**
 * Root of every error the tool reports to a user. Its message is one line that names what went
 * wrong and where; the shell and the command line print only that line unless --debug is given.
 */
public class VmcoreException extends RuntimeException {
    public VmcoreException(String message) {
        super(message);
    }

    public VmcoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
