package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamPrinterTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void jsonIsOneObjectOnOneLineWithHexAddresses() throws Exception {
        StringWriter w = new StringWriter();
        StreamPrinter p = StreamPrinter.json(new PrintWriter(w), "sym schedule");
        p.json().hex("address", 0xffffffff81a3c5d0L).field("name", "schedule").field("offset", 0)
                .beginArray("list").value(1).value("two").end();
        p.finish();
        String out = w.toString();
        assertEquals(1, out.lines().count());
        JsonNode node = mapper.readTree(out);
        assertEquals("sym schedule", node.get("command").asText());
        assertEquals("0xffffffff81a3c5d0", node.get("address").asText());
        assertEquals(0, node.get("offset").asInt());
        assertEquals("two", node.get("list").get(1).asText());
    }

    @Test
    void failureReplacesThePartialObject() throws Exception {
        StringWriter w = new StringWriter();
        StreamPrinter p = StreamPrinter.json(new PrintWriter(w), "rd 0");
        p.json().field("half", "written");
        p.fail("rd: address 0x0 is not mapped", new PrintWriter(new StringWriter()));
        JsonNode node = mapper.readTree(w.toString());
        assertEquals("rd 0", node.get("command").asText());
        assertEquals("rd: address 0x0 is not mapped", node.get("error").asText());
        assertTrue(node.get("half") == null);
    }

    @Test
    void textLinesInJsonModeAreKept() throws Exception {
        StringWriter w = new StringWriter();
        StreamPrinter p = StreamPrinter.json(new PrintWriter(w), "x");
        p.println("line one");
        p.finish();
        assertEquals("line one", mapper.readTree(w.toString()).get("text").get(0).asText());
    }

    @Test
    void textModeWritesLinesAndErrorsSeparately() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        StreamPrinter p = StreamPrinter.text(new PrintWriter(out));
        p.printf("%-4s|%3d", "a", 7);
        p.fail("boom", new PrintWriter(err));
        assertEquals("a   |  7" + System.lineSeparator(), out.toString());
        assertEquals("boom" + System.lineSeparator(), err.toString());
        assertThrows(IllegalStateException.class, p::json);
    }

    @Test
    void anInterruptedThreadCancelsTheCommandAtItsNextWrite() {
        StreamPrinter p = StreamPrinter.text(new PrintWriter(new StringWriter()));
        Thread.currentThread().interrupt();
        try {
            assertThrows(CommandCancelledException.class, () -> p.println("x"));
        } finally {
            Thread.interrupted();
        }
    }
}
