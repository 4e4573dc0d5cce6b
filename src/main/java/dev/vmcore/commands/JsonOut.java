package dev.vmcore.commands;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes JSON for one command invocation, following the project's conventions: addresses and
 * register values as {@code "0x"}-prefixed lowercase hex strings ({@link #hex}), counts and ids as
 * numbers, lowerCamelCase names. Calls nest: {@code beginArray("frames").beginObject()...end().end()}.
 * Keeps the JSON library inside this class.
 */
public final class JsonOut {
    private final JsonGenerator gen;
    private final Runnable cancelCheck;

    JsonOut(JsonGenerator gen, Runnable cancelCheck) {
        this.gen = gen;
        this.cancelCheck = cancelCheck;
    }

    /** Formats an address or register the way every JSON field carries it. */
    public static String hexString(long value) {
        return "0x" + Long.toHexString(value);
    }

    public JsonOut field(String name, String value) {
        return write(() -> gen.writeStringField(name, value));
    }

    public JsonOut field(String name, long value) {
        return write(() -> gen.writeNumberField(name, value));
    }

    public JsonOut field(String name, boolean value) {
        return write(() -> gen.writeBooleanField(name, value));
    }

    /** An address or register value: {@code "0x..."}. */
    public JsonOut hex(String name, long value) {
        return field(name, hexString(value));
    }

    public JsonOut beginObject(String name) {
        return write(() -> gen.writeObjectFieldStart(name));
    }

    public JsonOut beginArray(String name) {
        return write(() -> gen.writeArrayFieldStart(name));
    }

    /** Starts an object inside an array. */
    public JsonOut beginObject() {
        return write(gen::writeStartObject);
    }

    /** A string element of an array. */
    public JsonOut value(String value) {
        return write(() -> gen.writeString(value));
    }

    /** A number element of an array. */
    public JsonOut value(long value) {
        return write(() -> gen.writeNumber(value));
    }

    /** Closes the innermost open object or array. */
    public JsonOut end() {
        return write(() -> {
            if (gen.getOutputContext().inArray()) {
                gen.writeEndArray();
            } else {
                gen.writeEndObject();
            }
        });
    }

    private interface JsonWrite {
        void run() throws IOException;
    }

    private JsonOut write(JsonWrite step) {
        cancelCheck.run();
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
