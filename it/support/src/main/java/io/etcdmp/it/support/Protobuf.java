package io.etcdmp.it.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One protobuf message read field by field (the wire format: varint, 64-bit, length-delimited, 32-bit), enough for
 * {@link OtlpReceiver} to read OTLP without the protobuf runtime: a field's number picks its values.
 */
final class Protobuf {
    private record Field(int number, int wireType, long value, int from, int to) {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "field " + number;
        }
    }

    private final byte[] bytes;
    private final List<Field> fields = new ArrayList<>();

    Protobuf(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private Protobuf(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        int at = from;
        while (at < to) {
            long[] key = varint(at);
            at = (int) key[1];
            int number = (int) (key[0] >>> 3);
            int wireType = (int) (key[0] & 7);
            switch (wireType) {
                case 0 -> {
                    long[] v = varint(at);
                    fields.add(new Field(number, wireType, v[0], at, (int) v[1]));
                    at = (int) v[1];
                }
                case 1 -> {
                    fields.add(new Field(number, wireType, littleEndian(at, 8), at, at + 8));
                    at += 8;
                }
                case 2 -> {
                    long[] length = varint(at);
                    int start = (int) length[1];
                    int end = Math.addExact(start, (int) length[0]);
                    if (end > to) {
                        throw new IllegalArgumentException("field " + number + " runs past its message");
                    }
                    fields.add(new Field(number, wireType, 0, start, end));
                    at = end;
                }
                case 5 -> {
                    fields.add(new Field(number, wireType, littleEndian(at, 4), at, at + 4));
                    at += 4;
                }
                default -> throw new IllegalArgumentException("wire type " + wireType + " of field " + number);
            }
        }
    }

    boolean has(int number) {
        return fields.stream().anyMatch(f -> f.number() == number);
    }

    /** The embedded messages of field {@code number}, in order. */
    List<Protobuf> messages(int number) {
        return fields.stream().filter(f -> f.number() == number && f.wireType() == 2)
                .map(f -> new Protobuf(bytes, f.from(), f.to())).toList();
    }

    String string(int number) {
        return fields.stream().filter(f -> f.number() == number && f.wireType() == 2).findFirst()
                .map(f -> new String(bytes, f.from(), f.to() - f.from(), StandardCharsets.UTF_8)).orElse("");
    }

    /** A fixed64 / sfixed64 / double field's 64 bits (0 when absent). */
    long fixed64(int number) {
        return fields.stream().filter(f -> f.number() == number && f.wireType() == 1).findFirst().map(Field::value).orElse(0L);
    }

    private long[] varint(int at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at >= bytes.length) {
                throw new IllegalArgumentException("a varint runs past the message");
            }
            byte b = bytes[at++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return new long[] {value, at};
            }
        }
        throw new IllegalArgumentException("a varint longer than 10 bytes");
    }

    private long littleEndian(int at, int size) {
        if (at + size > bytes.length) {
            throw new IllegalArgumentException("a fixed field runs past the message");
        }
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << 8 | bytes[at + i] & 0xff;
        }
        return value;
    }
}
