package io.github.proxyproto4j.spring.boot.testapp;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The app every test of this module runs (one class, so contexts with the same properties are shared). In its
 * own package: component scanning must not pick up the starter's configuration classes, only auto-configuration.
 */
@SpringBootApplication(proxyBeanMethods = false)
@RestController
public class TestApp {

    /**
     * @param request the request
     * @return what the application sees of the connection, one {@code name=value} per line
     */
    @RequestMapping("/echo")
    public String echo(HttpServletRequest request) {
        return "remote=" + request.getRemoteAddr() + ":" + request.getRemotePort() + "\n"
                + "local=" + request.getLocalAddr() + ":" + request.getLocalPort() + "\n"
                + "secure=" + request.isSecure() + "\n"
                + "scheme=" + request.getScheme() + "\n"
                + "protocol=" + request.getProtocol() + "\n"
                + "virtual=" + isVirtual(Thread.currentThread()) + "\n"
                + "proxy.address=" + request.getAttribute("io.github.proxyproto4j.proxy.address") + "\n";
    }

    /** Thread.isVirtual() is Java 21: false on older runtimes, which have no virtual threads. */
    static boolean isVirtual(Thread thread) {
        try {
            Method m = Thread.class.getMethod("isVirtual");
            return (Boolean) m.invoke(thread);
        } catch (ReflectiveOperationException noVirtualThreads) {
            return false;
        }
    }
}
