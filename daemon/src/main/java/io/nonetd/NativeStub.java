package io.nonetd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * jffi (under jnr-ffi) extracts its native stub from the jar into a temporary file and loads it,
 * at every start: 20–30 ms of a socket-activated start. With a cache directory, the stub is
 * extracted there once (per jar: the name carries the jar's size and time) and loaded from there
 * (jffi.boot.library.path). Without one, jffi does as it always does.
 */
final class NativeStub {
    static final String RESOURCE = "/jni/x86_64-Linux/libjffi-1.2.so";

    private NativeStub() {}

    static void useCached(Path cacheDir) {
        if (cacheDir == null || System.getProperty("jffi.boot.library.path") != null || !"amd64".equals(System.getProperty("os.arch"))) return;
        try {
            Path jar = Path.of(NativeStub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = cacheDir.resolve("jffi-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis());
            Path lib = dir.resolve("libjffi-1.2.so");
            if (!Files.isRegularFile(lib)) {
                if (!Files.isWritable(cacheDir)) return;
                Files.createDirectories(dir);
                try (InputStream in = NativeStub.class.getResourceAsStream(RESOURCE)) {
                    if (in == null) return;
                    Path tmp = Files.createTempFile(dir, ".jffi", ".tmp");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            System.setProperty("jffi.boot.library.path", dir.toString());
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            // jffi extracts it as usual
        }
    }
}
