import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws p50 latency against concurrency, one line per setup, into a PNG (headless AWT, no
 * library). Both axes are logarithmic: the setups span three orders of magnitude (fork ≈ 1 ms,
 * nspawn ≈ 100 ms and more), and concurrency doubles from level to level (1 2 4 8).
 * Input: lines "SETUP NAME … CLIENTS P50_MS" (the name may contain spaces; "nan" = no figure).
 * Usage: java BenchChart.java points.txt chart.png
 */
public final class BenchChart {
    static final Color[] COLORS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)};

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3) continue;
            String name = String.join(" ", java.util.Arrays.copyOf(f, f.length - 2));
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {number(f[f.length - 2]), number(f[f.length - 1])});
        }
        TreeSet<Double> levels = new TreeSet<>();
        double minY = Double.MAX_VALUE, maxY = 0;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                levels.add(p[0]);
                if (Double.isNaN(p[1]) || p[1] <= 0) continue;
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (maxY == 0) { minY = 1; maxY = 10; }
        // Whole decades, so that every gridline reads as a round number.
        int lo = (int) Math.floor(Math.log10(minY)), hi = (int) Math.ceil(Math.log10(maxY));
        if (hi == lo) hi++;
        double minX = levels.isEmpty() ? 1 : levels.first(), maxX = levels.isEmpty() ? 2 : Math.max(levels.last(), minX * 2);

        int w = 960, h = 580, left = 90, right = 270, top = 60, bottom = 70;
        int pw = w - left - right, ph = h - top - bottom;
        final int fLo = lo, fHi = hi;
        java.util.function.DoubleUnaryOperator xOf = x -> left + pw * (Math.log(x / minX) / Math.log(maxX / minX));
        java.util.function.DoubleUnaryOperator yOf = y -> top + ph - ph * (Math.log10(y) - fLo) / (fHi - fLo);

        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString("nonetd: connect-to-first-reply p50 vs concurrency", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("lower is better; log scales; 1 client is paced, more clients are not", left, 48);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));

        // Y gridlines: decades (labelled, darker) and 2× / 5× within each decade (light).
        for (int d = lo; d <= hi; d++) {
            for (int m : new int[] {1, 2, 5}) {
                double y = m * Math.pow(10, d);
                if (Math.log10(y) > hi + 1e-9) break;
                int py = (int) Math.round(yOf.applyAsDouble(y));
                g.setColor(m == 1 ? new Color(0xbbbbbb) : new Color(0xe6e6e6));
                g.drawLine(left + 1, py, left + pw - 1, py);
                g.setColor(Color.BLACK);
                String label = y >= 1 ? String.format("%.0f ms", y) : String.format("%s ms", y);
                if (m == 1 || hi - lo <= 2) g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), py + 5);
            }
        }
        // X ticks: the concurrency levels that were measured.
        for (double x : levels) {
            int px = (int) Math.round(xOf.applyAsDouble(x));
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, top + 1, px, top + ph - 1);
            g.setColor(Color.BLACK);
            String label = String.format("%.0f", x);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, top + ph + 20);
        }
        g.drawRect(left, top, pw, ph);
        g.drawString("parallel clients", left + pw / 2 - 45, h - 22);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("p50 latency (ms, log scale)", -(top + ph / 2 + 80), 22);
        rotated.dispose();

        int s = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            int[] prev = null;
            boolean any = false;
            for (double[] p : e.getValue()) {
                if (Double.isNaN(p[1]) || p[1] <= 0) continue;
                int px = (int) Math.round(xOf.applyAsDouble(p[0])), py = (int) Math.round(yOf.applyAsDouble(p[1]));
                g.fillOval(px - 4, py - 4, 8, 8);
                if (prev != null) g.drawLine(prev[0], prev[1], px, py);
                prev = new int[] {px, py};
                any = true;
            }
            // Legend, in the margin on the right.
            int ly = top + 10 + s * 26;
            g.drawLine(left + pw + 18, ly + 7, left + pw + 40, ly + 7);
            g.fillOval(left + pw + 25, ly + 3, 8, 8);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey() + (any ? "" : " (no figures)"), left + pw + 48, ly + 12);
            s++;
        }
        ImageIO.write(img, "png", new File(args[1]));
    }

    /** A number as bench/run prints it; "nan" (awk's and bc's spelling) is a missing figure. */
    static double number(String s) {
        return s.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(s);
    }
}
