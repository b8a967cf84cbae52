package io.github.proxyproto4j.spring.boot.jetty;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The app every test starts: one endpoint that tells what the request looks like to the application. */
@SpringBootApplication
@RestController
public class TestApp {

    @RequestMapping("/ip")
    String ip(HttpServletRequest request) {
        return "remote=" + request.getRemoteAddr() + ":" + request.getRemotePort() + "\n"
                + "local=" + request.getLocalAddr() + ":" + request.getLocalPort() + "\n"
                + "secure=" + request.isSecure() + "\n"
                + "scheme=" + request.getScheme() + "\n"
                + "protocol=" + request.getProtocol() + "\n"
                + "virtual=" + isVirtual(Thread.currentThread()) + "\n";
    }

    /** Thread.isVirtual() exists from Java 21; the build targets 17. */
    static boolean isVirtual(Thread thread) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
