package io.nonetd.admission;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Waiting connections, FIFO per source and round-robin between sources, so that one busy
 * source cannot push everyone else to the back. Not thread-safe: the daemon's loop owns it.
 */
public final class FairQueue<T> {
    private final LinkedHashMap<String, ArrayDeque<T>> bySource = new LinkedHashMap<>();
    private int size;

    public int size() {
        return size;
    }

    public int size(String source) {
        ArrayDeque<T> q = bySource.get(source);
        return q == null ? 0 : q.size();
    }

    public void add(String source, T item) {
        bySource.computeIfAbsent(source, k -> new ArrayDeque<>()).addLast(item);
        size++;
    }

    public boolean remove(String source, T item) {
        ArrayDeque<T> q = bySource.get(source);
        if (q == null || !q.remove(item)) return false;
        if (q.isEmpty()) bySource.remove(source);
        size--;
        return true;
    }

    /**
     * Takes the oldest item of the first source (in round-robin order) that {@code eligible}
     * accepts; that source then moves to the back of the line. Null when none may go.
     */
    public T poll(Predicate<String> eligible) {
        Iterator<Map.Entry<String, ArrayDeque<T>>> it = bySource.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, ArrayDeque<T>> e = it.next();
            if (!eligible.test(e.getKey())) continue;
            T item = e.getValue().pollFirst();
            it.remove();
            if (!e.getValue().isEmpty()) bySource.put(e.getKey(), e.getValue()); // to the back
            size--;
            return item;
        }
        return null;
    }
}
