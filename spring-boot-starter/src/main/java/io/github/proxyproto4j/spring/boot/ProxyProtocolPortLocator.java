package io.github.proxyproto4j.spring.boot;

import java.util.OptionalInt;
import org.springframework.boot.web.server.WebServer;

/** Finds the bound port of the extra PROXY connector in a started web server (one per server kind). */
public interface ProxyProtocolPortLocator {
    /**
     * @param server a started web server
     * @return the PROXY connector's bound port, or empty if this server has none (or is not of this kind)
     */
    OptionalInt find(WebServer server);
}
