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
import javax.imageio.ImageIO;

/**
 * Draws p50 latency against concurrency, one line per setup, into a PNG (headless AWT, no
 * library). Input: lines "SETUP CLIENTS P50_MS". Usage: java BenchChart.java points.txt chart.png
 */
public final class BenchChart {
    static final Color[] COLORS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)};

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) continue;
            series.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
        }
        int w = 900, h = 560, left = 80, right = 260, top = 50, bottom = 60;
        double maxX = series.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).max().orElse(1);
        double maxY = series.values().stream().flatMap(List::stream).mapToDouble(p -> p[1]).filter(d -> !Double.isNaN(d)).max().orElse(1) * 1.1;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("nonetd: connect-to-first-reply p50 vs concurrency", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int pw = w - left - right, ph = h - top - bottom;
        g.drawRect(left, top, pw, ph);
        for (int i = 0; i <= 5; i++) {
            double y = maxY * i / 5;
            int py = top + ph - (int) (ph * i / 5.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, py, left + pw - 1, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.0f ms", y), 20, py + 4);
        }
        for (double[] p : series.values().iterator().next()) {
            int px = left + (int) (pw * p[0] / maxX);
            g.drawString(String.format("%.0f", p[0]), px - 4, top + ph + 18);
        }
        g.drawString("parallel clients", left + pw / 2 - 40, h - 15);
        int s = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            int[] prev = null;
            for (double[] p : e.getValue()) {
                if (Double.isNaN(p[1])) continue;
                int px = left + (int) (pw * p[0] / maxX), py = top + ph - (int) (ph * p[1] / maxY);
                g.fillOval(px - 4, py - 4, 8, 8);
                if (prev != null) g.drawLine(prev[0], prev[1], px, py);
                prev = new int[] {px, py};
            }
            g.fillRect(left + pw + 20, top + 20 + s * 24, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), left + pw + 40, top + 32 + s * 24);
            s++;
        }
        ImageIO.write(img, "png", new File(args[1]));
    }
}
