package io.etcdmp.internal.registry;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An address read from a registry record: {@code host:port} text (IPv6 hosts in brackets), a host
 * on its own, a port as a JSON number or numeric text. Every method throws
 * {@link IllegalArgumentException} with the reason when the text is not what it should be.
 */
record HostPort(String host, int port) {
    private static final Pattern NAME_OR_IPV4 = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,5}");
    private static final BigDecimal MAX_PORT = BigDecimal.valueOf(65535);

    /** {@code host:port} or {@code [ipv6]:port}; {@code what} names the text in the reason, e.g. {@code "Addr"}. */
    static HostPort parse(String text, String what) {
        String quoted = what + " '" + shorten(text) + "'";
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(quoted + " is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            throw new IllegalArgumentException(quoted + " is not host:port (an IPv6 host goes in brackets: [::1]:8080)");
        }
        String digits = text.substring(colon + 1);
        if (!DIGITS.matcher(digits).matches() || Integer.parseInt(digits) > 65535) {
            throw new IllegalArgumentException(quoted + " has no port number (0-65535) after the last ':'");
        }
        return new HostPort(host(host, what), Integer.parseInt(digits));
    }

    /** A host name, IPv4 address, or IPv6 address with or without brackets. */
    static String host(String text, String what) {
        String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (NAME_OR_IPV4.matcher(host).matches() || IPV6.matcher(host).matches()) {
            return host;
        }
        throw new IllegalArgumentException("host '" + shorten(text) + "' (" + what + ") is not a host name or IP address");
    }

    /** A port field of a JSON record: a whole number or numeric text, 0-65535; {@code what} names the field. */
    static int port(JsonValue value, String what) {
        BigDecimal port;
        if (value instanceof JsonNumber number) {
            port = number.bigDecimalValue();
            if (port.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException(what + " " + number + " is not a whole number");
            }
        } else if (value instanceof JsonString text && DIGITS.matcher(text.getString()).matches()) {
            port = new BigDecimal(text.getString());
        } else if (value instanceof JsonString text) {
            throw new IllegalArgumentException(what + " '" + shorten(text.getString()) + "' is not a number");
        } else {
            throw new IllegalArgumentException(what + " is " + InstanceRecords.kind(value) + ", not a number");
        }
        if (port.signum() < 0 || port.compareTo(MAX_PORT) > 0) {
            throw new IllegalArgumentException(what + " " + value + " is not a TCP port (0-65535)");
        }
        return port.intValueExact();
    }

    static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof HostPort that
                && Objects.equals(host, that.host)
                && port == that.port;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port);
    }

    @Override
    public String toString() {
        return "HostPort[host=" + host + ", port=" + port + "]";
    }
}
