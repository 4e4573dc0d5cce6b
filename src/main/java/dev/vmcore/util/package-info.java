/**
 * Layer 0: byte-level helpers and the error roots every other layer uses.
 *
 * <p>Knows nothing about dumps, kernels or commands. Everything here is a plain value or a pure
 * function so that every higher layer may depend on it.
 */
package dev.vmcore.util;
