import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * The benchmark's client, a program of its own (bench/run compiles it once; `java BenchClient.java`
 * works too). Two modes:
 * <ul>
 * <li>{@code BenchClient PORT CLIENTS PER_CLIENT [INTERVAL_MS]}: CLIENTS parallel clients each
 * connect, half-close, and time connect-to-first-reply-byte, then read to EOF. With INTERVAL_MS,
 * each client waits that long after a connection before the next one (paced arrivals, so that a
 * warm pool can refill; conns_per_s then counts the pauses too and means little). Prints one line:
 * "clients N conns C errors E seconds S conns_per_s R p50_ms A p90_ms B p99_ms C".
 * <li>{@code BenchClient PORT hold N}: opens N connections, 8 at a time, and waits for the first
 * line on each, so that N sessions are open at once. Prints "held H errors E seconds S", then
 * keeps them all open until a line (or EOF) arrives on stdin, closes them and prints "closed H".
 * </ul>
 */
public final class BenchClient {
    static final int CONNECT_TIMEOUT_MS = 10_000, READ_TIMEOUT_MS = 30_000;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        if (args[1].equals("hold")) {
            hold(port, Integer.parseInt(args[2]));
            return;
        }
        int clients = Integer.parseInt(args[1]);
        int perClient = Integer.parseInt(args[2]);
        long intervalMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        List<Future<?>> jobs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    if (i > 0 && intervalMs > 0) Thread.sleep(intervalMs); // the gap between connections
                    try (Socket s = new Socket()) {
                        long start = System.nanoTime();
                        s.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
                        s.setSoTimeout(READ_TIMEOUT_MS);
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

    /** Opens {@code n} sessions that stay open (the service answers one line, then waits for EOF). */
    static void hold(int port, int n) throws Exception {
        List<Socket> open = Collections.synchronizedList(new ArrayList<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        // 8 at a time: the daemon's listen backlog is 128, and a SYN dropped on overflow costs a 1 s retry.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long t0 = System.nanoTime();
        List<Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(pool.submit(() -> {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
                    s.setSoTimeout(READ_TIMEOUT_MS);
                    InputStream in = s.getInputStream();
                    int b;
                    while ((b = in.read()) != '\n') if (b < 0) throw new IllegalStateException("EOF before the first line");
                    open.add(s); // no half-close: the service must keep running until we close
                } catch (Exception e) {
                    errors.add(e.toString());
                    s.close();
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) f.get(600, TimeUnit.SECONDS);
        pool.shutdown();
        System.out.printf("held %d errors %d seconds %.3f%n", open.size(), errors.size(), (System.nanoTime() - t0) / 1e9);
        System.out.flush();
        if (!errors.isEmpty()) System.err.println("first error: " + errors.get(0));
        new BufferedReader(new InputStreamReader(System.in)).readLine(); // the caller has measured
        for (Socket s : open) s.close();
        System.out.println("closed " + open.size());
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) return Double.NaN;
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }
}
