package io.nonetd.it;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * A unix datagram socket the daemon sends to (NOTIFY_SOCKET, the journal socket), standing in
 * for systemd: a thread decodes each datagram and collects it; tests wait for what they expect.
 */
final class DatagramSink<T> implements AutoCloseable {
    final Path path;
    private final UnixDatagramChannel channel;
    private final Function<ByteBuffer, T> decode;
    private final List<T> items = new ArrayList<>();

    DatagramSink(Path path, Function<ByteBuffer, T> decode) throws Exception {
        this.path = path;
        this.decode = decode;
        channel = UnixDatagramChannel.open();
        channel.bind(new UnixSocketAddress(path.toFile()));
        Thread reader = new Thread(this::read, "datagram-sink");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            buf.clear();
            try {
                channel.receive(buf);
            } catch (Exception closed) {
                return;
            }
            buf.flip();
            T item = decode.apply(buf);
            synchronized (items) {
                items.add(item);
                items.notifyAll();
            }
        }
    }

    /** The {@code count}-th item that matches, waiting up to {@code timeout}; fails naming {@code what}. */
    T await(Predicate<T> p, int count, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (items) {
            while (true) {
                List<T> matching = items.stream().filter(p).toList();
                if (matching.size() >= count) return matching.get(count - 1);
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) throw new AssertionError("no " + count + " matching " + what + " within " + timeout + "; got " + items);
                items.wait(left);
            }
        }
    }

    @Override
    public void close() throws Exception {
        channel.close();
    }
}
