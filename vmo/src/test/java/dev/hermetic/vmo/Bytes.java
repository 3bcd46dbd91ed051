package dev.hermetic.vmo;

import java.nio.charset.StandardCharsets;

/** Small helpers shared by the tests. */
final class Bytes {
    static final int PAGE = 4096;

    private Bytes() {
    }

    static byte[] of(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String read(Vmo vmo, long offset, int len) {
        byte[] out = new byte[len];
        vmo.read(out, offset);
        return new String(out, StandardCharsets.UTF_8);
    }

    static byte[] readBytes(Vmo vmo, long offset, int len) {
        byte[] out = new byte[len];
        vmo.read(out, offset);
        return out;
    }

    static Status statusOf(Runnable r) {
        try {
            r.run();
            return Status.OK;
        } catch (ZxException e) {
            return e.status();
        }
    }
}
