package dev.vmcore.format.modsig;

import dev.vmcore.util.FormatException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformation;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The signature appended to a module file, as kmod's modinfo describes it (libkmod-signature.c):
 * for PKCS#7 (the only kind sign-file writes since Linux 4.3) the signer is the common name of the
 * signer's issuer, the key id its serial number (or subject key identifier), the hash the digest
 * algorithm of the first SignerInfo.
 *
 * @param idType      "PKCS#7" (module_signature.id_type 2; 0 PGP and 1 X509 are historical)
 * @param signer      the signer's name ("" when the issuer has no name)
 * @param keyId       the key identifier bytes
 * @param hashAlgo    the digest algorithm, with OpenSSL's long name (sha256, sha512...)
 * @param signature   the encrypted digest
 * @param signedBytes how many bytes at the start of the file the signature covers
 */
public record ModuleSignature(String idType, String signer, byte[] keyId, String hashAlgo, byte[] signature,
                             long signedBytes) {
    /** scripts/sign-file.c and include/linux/module_signature.h. */
    public static final byte[] MAGIC = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);
    /** sizeof(struct module_signature): algo, hash, id_type, signer_len, key_id_len, __pad[3], __be32 sig_len. */
    public static final int TRAILER = 12;
    static final int PKEY_ID_PKCS7 = 2;
    private static final String[] ID_TYPES = {"PGP", "X509", "PKCS#7"};
    /** libkmod: PKEY_ALGO__LAST and PKEY_HASH__LAST (algorithm and hash indexes beyond them are invalid). */
    private static final int ALGO_LAST = 3;
    private static final int HASH_LAST = 13;

    /** Digest OIDs and OpenSSL's long names for them (OBJ_obj2txt), which modinfo prints. */
    private static final Map<String, String> HASHES = Map.ofEntries(
            Map.entry("1.2.840.113549.2.5", "md5"), Map.entry("1.3.14.3.2.26", "sha1"),
            Map.entry("2.16.840.1.101.3.4.2.4", "sha224"), Map.entry("2.16.840.1.101.3.4.2.1", "sha256"),
            Map.entry("2.16.840.1.101.3.4.2.2", "sha384"), Map.entry("2.16.840.1.101.3.4.2.3", "sha512"),
            Map.entry("2.16.840.1.101.3.4.2.7", "sha3-224"), Map.entry("2.16.840.1.101.3.4.2.8", "sha3-256"),
            Map.entry("2.16.840.1.101.3.4.2.9", "sha3-384"), Map.entry("2.16.840.1.101.3.4.2.10", "sha3-512"),
            Map.entry("1.2.156.10197.1.401", "sm3"));

    public ModuleSignature {
        keyId = keyId.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] keyId() {
        return keyId.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** True when the file ends with the module-signature magic (it may still be corrupt). */
    public static boolean isSigned(byte[] file) {
        return file.length >= MAGIC.length
                && Arrays.equals(file, file.length - MAGIC.length, file.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * The signature of a signed module file; empty when the file carries none. Throws
     * FormatException when the trailer or the PKCS#7 blob is corrupt.
     */
    public static Optional<ModuleSignature> read(String source, byte[] file) {
        if (!isSigned(file)) {
            return Optional.empty();
        }
        int trailerAt = file.length - MAGIC.length - TRAILER;
        if (trailerAt < 0) {
            throw new FormatException(source, 0, "module signature magic but no room for struct module_signature");
        }
        ByteBuffer t = ByteBuffer.wrap(file, trailerAt, TRAILER).order(ByteOrder.BIG_ENDIAN);
        int algo = t.get() & 0xff;
        int hash = t.get() & 0xff;
        int idType = t.get() & 0xff;
        int signerLen = t.get() & 0xff;
        int keyIdLen = t.get() & 0xff;
        long sigLen = Integer.toUnsignedLong(t.getInt(trailerAt + 8));
        if (algo >= ALGO_LAST || hash >= HASH_LAST || idType >= ID_TYPES.length) {
            throw new FormatException(source, trailerAt, "corrupt struct module_signature (algo " + algo + ", hash " + hash
                    + ", id_type " + idType + ")");
        }
        if (sigLen == 0 || sigLen + signerLen + keyIdLen > trailerAt) {
            throw new FormatException(source, trailerAt, "module signature length " + sigLen + " does not fit the file");
        }
        if (idType != PKEY_ID_PKCS7) {
            throw new FormatException(source, trailerAt, "module signature of type " + ID_TYPES[idType]
                    + " (only PKCS#7 is supported)");
        }
        int sigAt = (int) (trailerAt - sigLen);
        return Optional.of(pkcs7(source, Arrays.copyOfRange(file, sigAt, trailerAt), sigAt));
    }

    private static ModuleSignature pkcs7(String source, byte[] der, long at) {
        try {
            CMSSignedData cms = new CMSSignedData(der);
            Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
            if (signers.isEmpty()) {
                throw new FormatException(source, at, "module signature (PKCS#7) has no signer");
            }
            SignerInformation si = signers.iterator().next();
            SignerId id = si.getSID();
            String signer = id.getIssuer() == null ? "" : commonName(id.getIssuer());
            byte[] keyId = id.getSerialNumber() != null ? unsigned(id.getSerialNumber())
                    : id.getSubjectKeyIdentifier() != null ? id.getSubjectKeyIdentifier() : new byte[0];
            String oid = si.getDigestAlgOID();
            return new ModuleSignature(ID_TYPES[PKEY_ID_PKCS7], signer, keyId, HASHES.getOrDefault(oid, oid),
                    si.getSignature(), at);
        } catch (CMSException | RuntimeException e) {
            if (e instanceof FormatException f) {
                throw f;
            }
            throw new FormatException(source, at, "module signature is not valid PKCS#7 SignedData: "
                    + firstLine(e.getMessage()));
        }
    }

    /** kmod's x509_name_to_str: the first commonName; without one, the name's last attribute. */
    private static String commonName(X500Name name) {
        AttributeTypeAndValue last = null;
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue a : rdn.getTypesAndValues()) {
                last = a;
                if (a.getType().equals(BCStyle.CN)) {
                    return text(a.getValue());
                }
            }
        }
        return last == null ? "" : text(last.getValue());
    }

    private static String text(ASN1Encodable v) {
        return v instanceof ASN1String s ? s.getString() : v.toString();
    }

    /** BN_bn2bin: the magnitude, big-endian, without leading zero bytes. */
    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.abs().toByteArray();
        int skip = 0;
        while (skip < b.length && b[skip] == 0) {
            skip++;
        }
        return Arrays.copyOfRange(b, skip, b.length);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unparsable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
