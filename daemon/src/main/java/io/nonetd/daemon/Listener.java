package io.nonetd.daemon;

import io.nonetd.config.ServiceConfig;
import io.nonetd.os.Fd;

/** A listening socket (adopted from systemd or bound by --listen) and the service it feeds. */
public record Listener(Fd fd, String address, ServiceConfig service) {}
