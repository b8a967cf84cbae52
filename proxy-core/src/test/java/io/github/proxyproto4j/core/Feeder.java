package io.github.proxyproto4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/** Feeds bytes to a decoder in chunks, the way reads arrive, and records what came out. */
final class Feeder {

    /** What a decoder made of some bytes: a header and the untouched rest, a refusal, or still waiting. */
    record Result(ProxyHeader header, byte[] rest, Reason reason) {
        boolean incomplete() {
            return header == null && reason == null;
        }

        @Override
        public String toString() {
            if (reason != null) {
                return "invalid " + reason;
            }
            return header == null ? "incomplete" : "valid " + header + " rest=" + rest.length;
        }
    }

    private Feeder() {
    }

    /** Feeds {@code bytes} cut at the given offsets. */
    static Result feed(Supplier<ProxyHeaderDecoder> decoders, byte[] bytes, int... cuts) {
        List<ByteBuffer> chunks = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            chunks.add(ByteBuffer.wrap(Arrays.copyOfRange(bytes, from, cut)));
            from = cut;
        }
        chunks.add(ByteBuffer.wrap(Arrays.copyOfRange(bytes, from, bytes.length)));
        return feed(decoders.get(), chunks);
    }

    static Result byteByByte(Supplier<ProxyHeaderDecoder> decoders, byte[] bytes) {
        List<ByteBuffer> chunks = new ArrayList<>();
        for (byte b : bytes) {
            chunks.add(ByteBuffer.wrap(new byte[] {b}));
        }
        return feed(decoders.get(), chunks);
    }

    /** Whole, in a direct buffer, at a non-zero position with unrelated bytes before and after the limit. */
    static Result directWithOffset(Supplier<ProxyHeaderDecoder> decoders, byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length + 11);
        b.put(new byte[] {'J', 'U', 'N', 'K', 0x0D});
        b.put(bytes);
        b.put(new byte[] {'A', 'F', 'T', 'E', 'R', 0x0A});
        b.position(5).limit(5 + bytes.length);
        return feed(decoders.get(), List.of(b));
    }

    static Result feed(ProxyHeaderDecoder decoder, List<ByteBuffer> chunks) {
        for (int i = 0; i < chunks.size(); i++) {
            ByteBuffer chunk = chunks.get(i);
            ProxyHeader header;
            try {
                header = decoder.decode(chunk);
            } catch (ProxyProtocolException e) {
                // A refused decoder stays refused, with the same reason.
                ProxyProtocolException again = null;
                try {
                    decoder.decode(ByteBuffer.wrap(new byte[] {1}));
                } catch (ProxyProtocolException second) {
                    again = second;
                }
                assertEquals(e.reason(), again == null ? null : again.reason(), "a failed decoder must keep failing");
                return new Result(null, null, e.reason());
            }
            if (header != null) {
                ByteArrayOutputStream rest = new ByteArrayOutputStream();
                drain(chunk, rest);
                for (int j = i + 1; j < chunks.size(); j++) {
                    drain(chunks.get(j), rest);
                }
                return new Result(header, rest.toByteArray(), null);
            }
            assertFalse(chunk.hasRemaining(), "null must mean every byte given was consumed");
        }
        return new Result(null, null, null);
    }

    private static void drain(ByteBuffer b, ByteArrayOutputStream out) {
        while (b.hasRemaining()) {
            out.write(b.get());
        }
    }
}
