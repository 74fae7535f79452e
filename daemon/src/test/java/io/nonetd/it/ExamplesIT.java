package io.nonetd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each example in examples/ runs as shipped, with the client command its README gives. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExamplesIT {
    static final Path EXAMPLES = Path.of(System.getProperty("nonetd.examples", "../examples"));

    static NonetdProcess example(String name) throws Exception {
        Path conf = EXAMPLES.resolve(name).resolve(name + ".conf");
        return NonetdProcess.start(List.of(), List.of("127.0.0.1:" + NonetdProcess.freePort()), "--config", conf.toString());
    }

    @Test
    void echo() throws Exception {
        try (NonetdProcess d = example("echo")) {
            assertEquals("hello\nworld\n", Client.exchange(d.port(), "hello\nworld\n"));
        }
    }
}
