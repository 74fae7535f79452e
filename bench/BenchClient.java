import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's client, a program of its own (run as `java BenchClient.java`): N parallel
 * clients each connect, half-close, and time connect-to-first-reply-byte, then read to EOF.
 * Prints one line: "clients N conns C errors E seconds S conns_per_s R p50_ms A p90_ms B p99_ms C".
 */
public final class BenchClient {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        int perClient = Integer.parseInt(args[2]);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        List<Future<?>> jobs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    try (Socket s = new Socket()) {
                        long start = System.nanoTime();
                        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                        s.setSoTimeout(30_000);
                        s.shutdownOutput();
                        InputStream in = s.getInputStream();
                        if (in.read() < 0) throw new IllegalStateException("no reply");
                        latencies.add(System.nanoTime() - start);
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) f.get(600, TimeUnit.SECONDS);
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("clients %d conns %d errors %d seconds %.3f conns_per_s %.1f p50_ms %.2f p90_ms %.2f p99_ms %.2f%n",
                clients, sorted.size(), errors.size(), seconds, sorted.size() / seconds,
                pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99));
        if (!errors.isEmpty()) System.err.println("first error: " + errors.get(0));
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) return Double.NaN;
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }
}
