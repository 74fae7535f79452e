package io.nonetd.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A test client: send, half-close, read to EOF. Every read has a timeout. */
final class Client {
    static final int READ_TIMEOUT_MS = 30_000;

    private Client() {}

    static String exchange(int port, String send) throws IOException {
        try (Socket s = connect(port)) {
            return exchange(s, send);
        }
    }

    /** Sends bytes (a file, say), half-closes, and reads the reply to EOF. */
    static byte[] exchange(int port, byte[] send) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(send);
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    static Socket connect(int port) throws IOException {
        return connectFrom(null, port);
    }

    /** Connects from a given loopback address (127.0.0.2, ...), a distinct source for per-source limits. */
    static Socket connectFrom(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        if (localAddress != null) s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    static String exchange(Socket s, String send) throws IOException {
        s.getOutputStream().write(send.getBytes(StandardCharsets.UTF_8));
        s.shutdownOutput();
        return readAll(s.getInputStream());
    }

    static String exchangeUnix(Path path, String send) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ch.write(ByteBuffer.wrap(send.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            // Blocking channel reads ignore SO_TIMEOUT; the surefire/failsafe timeout bounds this.
            return readAll(Channels.newInputStream(ch));
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
