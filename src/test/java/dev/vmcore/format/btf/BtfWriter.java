package dev.vmcore.format.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds BTF blobs for tests, kind by kind as btf.h lays them out. For split BTF pass the base's
 * last type id and string size: ids and string offsets then continue after the base's.
 */
public final class BtfWriter {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final int stringBase;
    private int nextId;

    public BtfWriter() {
        this(0, 0);
    }

    public BtfWriter(int baseLastId, int baseStringSize) {
        this.nextId = baseLastId + 1;
        this.stringBase = baseStringSize;
        strings.write(0);
        stringOffsets.put("", 0);
    }

    /** Offset of {@code s} in the (combined) string section; "" is 0 in stand-alone BTF. */
    public int str(String s) {
        if (s.isEmpty() && stringBase == 0) {
            return 0;
        }
        Integer off = stringOffsets.get(s);
        if (off == null || (s.isEmpty() && stringBase > 0)) {
            off = strings.size();
            strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            stringOffsets.put(s, off);
        }
        return stringBase + off;
    }

    private int type(String name, int kind, int vlen, boolean kindFlag, int sizeOrType, int... extra) {
        u32(name == null ? 0 : str(name));
        u32(vlen & 0xffff | kind << 24 | (kindFlag ? 0x80000000 : 0));
        u32(sizeOrType);
        for (int e : extra) {
            u32(e);
        }
        return nextId++;
    }

    public int intType(String name, int size, int encoding, int bits) {
        return type(name, 1, 0, false, size, encoding << 24 | bits);
    }

    public int ptr(int target) {
        return type(null, 2, 0, false, target);
    }

    public int array(int element, int index, int count) {
        return type(null, 3, 0, false, 0, element, index, count);
    }

    /** members: name, type, bit offset, bitfield size (0 = none); any bitfield sets kind_flag. */
    public int struct(String name, boolean union, int size, Object... members) {
        int n = members.length / 4;
        boolean bitfields = false;
        for (int i = 0; i < n; i++) {
            bitfields |= (Integer) members[i * 4 + 3] != 0;
        }
        int[] extra = new int[n * 3];
        for (int i = 0; i < n; i++) {
            extra[i * 3] = str((String) members[i * 4]);
            extra[i * 3 + 1] = (Integer) members[i * 4 + 1];
            int off = (Integer) members[i * 4 + 2];
            extra[i * 3 + 2] = bitfields ? (Integer) members[i * 4 + 3] << 24 | off : off;
        }
        return type(name, union ? 5 : 4, n, bitfields, size, extra);
    }

    /** pairs: name, value. */
    public int enumType(String name, int size, boolean signed, Object... pairs) {
        int n = pairs.length / 2;
        int[] extra = new int[n * 2];
        for (int i = 0; i < n; i++) {
            extra[i * 2] = str((String) pairs[i * 2]);
            extra[i * 2 + 1] = ((Number) pairs[i * 2 + 1]).intValue();
        }
        return type(name, 6, n, signed, size, extra);
    }

    public int enum64(String name, boolean signed, Object... pairs) {
        int n = pairs.length / 2;
        int[] extra = new int[n * 3];
        for (int i = 0; i < n; i++) {
            long v = ((Number) pairs[i * 2 + 1]).longValue();
            extra[i * 3] = str((String) pairs[i * 2]);
            extra[i * 3 + 1] = (int) v;
            extra[i * 3 + 2] = (int) (v >>> 32);
        }
        return type(name, 19, n, signed, 8, extra);
    }

    public int fwd(String name, boolean union) {
        return type(name, 7, 0, union, 0);
    }

    public int typedef(String name, int target) {
        return type(name, 8, 0, false, target);
    }

    /** kind: VOLATILE 9, CONST 10, RESTRICT 11, TYPE_TAG 18 (name = tag). */
    public int qualifier(int kind, String name, int target) {
        return type(name, kind, 0, false, target);
    }

    public int func(String name, int proto, int linkage) {
        return type(name, 12, linkage, false, proto);
    }

    /** params: name, type; a trailing ("", 0) marks "...". */
    public int funcProto(int ret, Object... params) {
        int n = params.length / 2;
        int[] extra = new int[n * 2];
        for (int i = 0; i < n; i++) {
            String pn = (String) params[i * 2];
            extra[i * 2] = pn.isEmpty() ? 0 : str(pn);
            extra[i * 2 + 1] = (Integer) params[i * 2 + 1];
        }
        return type(null, 13, n, false, ret, extra);
    }

    public int var(String name, int type, int linkage) {
        return type(name, 14, 0, false, type, linkage);
    }

    /** vars: type, offset, size triples. */
    public int datasec(String name, int size, int... vars) {
        return type(name, 15, vars.length / 3, false, size, vars);
    }

    public int floatType(String name, int size) {
        return type(name, 16, 0, false, size);
    }

    public int declTag(String name, int target, int component) {
        return type(name, 17, 0, false, target, component);
    }

    public int stringSize() {
        return strings.size();
    }

    public byte[] build() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(t.length).putInt(t.length).putInt(s.length).put(t).put(s);
        return b.array();
    }

    private void u32(int v) {
        types.write(v);
        types.write(v >>> 8);
        types.write(v >>> 16);
        types.write(v >>> 24);
    }
}
