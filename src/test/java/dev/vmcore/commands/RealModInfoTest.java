package dev.vmcore.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmcore.program.Session;
import dev.vmcore.program.SessionInputs;
import dev.vmcore.testdumps.TestDumps;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mod -i on the real test modules against kmod's /usr/sbin/modinfo, on signed copies of them made
 * here the way scripts/sign-file signs (CMS SignedData, detached, no certificates, no signed
 * attributes, issuer and serial as signer id), on corrupt signatures, and on the match check.
 */
class RealModInfoTest {
    private static final Path MODINFO = Path.of("/usr/sbin/modinfo");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> modinfoOfTheTestModules() {
        return TestDumps.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            Path ko = c.dir().resolve(c.module() + ".ko");
            try (Session s = open(c)) {
                CommandHarness h = new CommandHarness(s);
                List<String> ours = h.text("mod -i " + c.module() + " " + ko).lines().toList();
                assertEquals(modinfo(ko), ours.subList(0, ours.size() - 1));
                assertTrue(ours.get(ours.size() - 1).startsWith("loaded:         matches " + c.module() + " in the dump"),
                        ours.get(ours.size() - 1));
                assertTrue(ours.stream().anyMatch(l -> l.startsWith("vermagic:       " + s.vmcoreInfo().orElseThrow()
                        .get("OSRELEASE").orElseThrow() + " ")), String.join("\n", ours));
                JsonNode j = new ObjectMapper().readTree(h.json("mod -i " + c.module() + " " + ko));
                assertTrue(j.get("matches").asBoolean());
                assertEquals(c.module(), JsonFields.fields(j).get("name"));
            }
        }));
    }

    /** The same module name from the other kernel's build is not the loaded module; an unloaded name says so. */
    @TestFactory
    Stream<DynamicTest> matchCheckRefusesOtherBuilds() {
        return TestDumps.cases().stream().filter(c -> c.kernel().equals("6.1")).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            TestDumps.Case other = new TestDumps.Case("6.12", c.name(), c.module());
            TestDumps.require(other);
            try (Session s = open(c)) {
                CommandHarness h = new CommandHarness(s);
                String last = last(h.text("mod -i " + c.module() + " " + other.dir().resolve(c.module() + ".ko")));
                assertTrue(last.startsWith("loaded:         DOES NOT match " + c.module() + " in the dump: "), last);
                last = last(h.text("mod -i no_such_mod " + c.dir().resolve(c.module() + ".ko")));
                assertEquals("loaded:         no module named no_such_mod is loaded", last);
                // another module's file under this module's name
                String loadedOther = s.modules().stream().map(m -> m.name()).filter(n -> !n.equals(c.module())).findFirst()
                        .orElseThrow();
                last = last(h.text("mod -i " + loadedOther + " " + c.dir().resolve(c.module() + ".ko")));
                assertEquals("loaded:         DOES NOT match " + loadedOther + " in the dump: the file is module "
                        + c.module() + ", not " + loadedOther, last);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> signedModules() {
        return TestDumps.cases().stream().filter(c -> c.name().equals("uaf")).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            byte[] ko = Files.readAllBytes(c.dir().resolve(c.module() + ".ko"));
            BigInteger serial = new BigInteger("00f1e2d3c4b5a697887766554433221100", 16);
            Path signed = tmp.resolve(c.module() + ".ko");
            Files.write(signed, sign(ko, "CN=Test module signing key,O=vmcore-inspector tests", serial, "SHA512withRSA"));
            try (Session s = open(c)) {
                CommandHarness h = new CommandHarness(s);
                List<String> ours = h.text("mod -i " + c.module() + " " + signed).lines().toList();
                assertTrue(ours.contains("sig_id:         PKCS#7"), String.join("\n", ours));
                assertTrue(ours.contains("signer:         Test module signing key"), String.join("\n", ours));
                assertTrue(ours.contains("sig_key:        " + HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(serial.toByteArray()).substring(3)), String.join("\n", ours));
                assertTrue(ours.contains("sig_hashalgo:   sha512"), String.join("\n", ours));
                // the signature covers the unsigned file, so the placement check still sees the module
                assertTrue(last(String.join("\n", ours)).startsWith("loaded:         matches "), String.join("\n", ours));
                assertEquals(modinfo(signed), ours.subList(0, ours.size() - 1));

                // no CN: kmod takes the name's last attribute; a SHA-256 signature
                Files.write(signed, sign(ko, "O=Org Only,OU=Unit Last", BigInteger.valueOf(0x1234), "SHA256withRSA"));
                ours = h.text("mod -i " + c.module() + " " + signed).lines().toList();
                assertTrue(ours.contains("signer:         Unit Last"), String.join("\n", ours));
                assertTrue(ours.contains("sig_key:        12:34"), String.join("\n", ours));
                assertTrue(ours.contains("sig_hashalgo:   sha256"), String.join("\n", ours));
                assertEquals(modinfo(signed), ours.subList(0, ours.size() - 1));

                byte[] good = Files.readAllBytes(signed);
                // a corrupt PKCS#7 blob, and a signature length larger than the file: one line each
                byte[] bad = good.clone();
                int sigLen = ByteBuffer.wrap(bad, bad.length - 28 - 4, 4).getInt();
                int sigAt = bad.length - 28 - 12 - sigLen;
                for (int i = 0; i < 16; i++) {
                    bad[sigAt + i] ^= 0x5a;
                }
                oneLineError(h, bad, "not valid PKCS#7");
                bad = good.clone();
                ByteBuffer.wrap(bad).putInt(bad.length - 28 - 4, Integer.MAX_VALUE);
                oneLineError(h, bad, "does not fit the file");
                bad = good.clone();
                bad[bad.length - 28 - 12 + 2] = 7; // id_type
                oneLineError(h, bad, "corrupt struct module_signature");
            }
        }));
    }

    /** A Debian-signed module from the 6.12 chroot make-testdumps keeps (when it is there). */
    @TestFactory
    Stream<DynamicTest> distributionSignedModule() {
        return TestDumps.cases().stream().filter(c -> c.toString().equals("6.12/null")).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            TestDumps.require(c);
            Path xz;
            try (Stream<Path> found = Files.find(TestDumps.root().resolve("chroot"), 12,
                    (p, a) -> p.getFileName().toString().equals("vsock.ko.xz"))) {
                xz = found.findFirst().orElse(null);
            } catch (java.io.IOException e) {
                xz = null;
            }
            Assumptions.assumeTrue(xz != null, "no chroot module vsock.ko.xz here");
            Path ko = tmp.resolve("vsock.ko");
            Process p = new ProcessBuilder("xz", "-dc", xz.toString()).redirectOutput(ko.toFile()).start();
            Assumptions.assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "xz failed");
            try (Session s = open(c)) {
                List<String> ours = new CommandHarness(s).text("mod -i vsock " + ko).lines().toList();
                assertEquals(modinfo(ko), ours.subList(0, ours.size() - 1));
                assertTrue(ours.stream().anyMatch(l -> l.startsWith("signature:      ")));
                assertEquals("loaded:         no module named vsock is loaded", ours.get(ours.size() - 1));
            }
        }));
    }

    private void oneLineError(CommandHarness h, byte[] file, String expected) throws Exception {
        Path bad = tmp.resolve("bad.ko");
        Files.write(bad, file);
        CommandException e = assertThrows(CommandException.class, () -> h.text("mod -i oops_uaf " + bad));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("mod: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /** scripts/sign-file: CMS over the whole file, detached, no certs, no attributes; then the trailer and magic. */
    static byte[] sign(byte[] ko, String subject, BigInteger serial, String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name(subject);
        Date now = new Date();
        ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(kp.getPrivate());
        X509CertificateHolder cert = new JcaX509v3CertificateBuilder(name, serial, now,
                new Date(now.getTime() + 86_400_000L), name, kp.getPublic()).build(signer);
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setDirectSignature(true).build(signer, cert));
        byte[] sig = gen.generate(new CMSProcessableByteArray(ko), false).getEncoded("DER");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ko);
        out.write(sig);
        // struct module_signature: algo 0, hash 0, id_type 2 (PKCS#7), signer_len 0, key_id_len 0, pad, be32 sig_len
        out.write(ByteBuffer.allocate(12).put(2, (byte) 2).putInt(8, sig.length).array());
        out.write("~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** kmod's modinfo output for the file; the test needs it (it is at /usr/sbin/modinfo here and under CI). */
    private static List<String> modinfo(Path ko) throws Exception {
        if (!Files.isExecutable(MODINFO)) {
            if (TestDumps.underCi()) {
                throw new AssertionError("modinfo missing under CI: " + MODINFO);
            }
            Assumptions.abort("no " + MODINFO + " here");
        }
        Process p = new ProcessBuilder(MODINFO.toString(), ko.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static Session open(TestDumps.Case c) {
        return Session.open(new SessionInputs(List.of(c.dir().resolve("vmcore.d31.zlib")), Optional.empty(), List.of()));
    }

    private static String last(String text) {
        List<String> l = text.lines().toList();
        return l.get(l.size() - 1);
    }

    /** JSON fields as a key -> value map. */
    private static final class JsonFields {
        static java.util.Map<String, String> fields(JsonNode j) {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            j.get("fields").forEach(f -> m.putIfAbsent(f.get("key").asText(), f.get("value").asText()));
            return m;
        }
    }
}
