package dev.sparkprop.driver.spark;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a standalone master of a {@code spark://} URL answers, asked before Spark is. Spark
 * itself tries to register three times, 20 s apart, then stops the context with stack traces
 * and "All masters are unresponsive": a wrong port or a master not started cost a minute and a
 * page of log. A TCP connection to each host:port is enough to tell.
 */
final class StandaloneMaster {

    /** How long one host:port may take to accept: far above a reachable master's milliseconds. */
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private StandaloneMaster() {
    }

    /**
     * Returns when {@code master} is not a {@code spark://} URL, or when one of its masters
     * accepts a connection (spark://h1:p1,h2:p2 lists standby masters); otherwise fails naming
     * each and why.
     *
     * @throws IllegalArgumentException when no master of the URL answers
     */
    static void checkAnswers(String master, int timeoutMs) {
        if (master == null || !master.startsWith("spark://")) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            int port;
            try {
                port = colon < 0 ? -1 : Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace) || port < 1 || port > 65_535) {
                // Spark's own parser names a malformed URL (SparkSessions rewords it)
                return;
            }
            String why = tryConnect(host, port, timeoutMs);
            if (why == null) {
                return;
            }
            failures.add(host + ":" + port + " (" + why + ")");
        }
        throw new IllegalArgumentException("spark.master '" + master + "': no Spark standalone master answers at "
                + String.join(", ", failures) + "; start the master (sbin/start-master.sh on that host prints its"
                + " spark://host:port URL, 7077 by default) or give spark.master (spark-submit's --master)"
                + " the URL it printed");
    }

    /** Null when host:port accepts a connection, else why not. */
    private static String tryConnect(String host, int port, int timeoutMs) {
        // Directly, as Spark's RPC connects: a JVM's SOCKS proxy setting would route this one alone
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            return null;
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (ConnectException e) {
            return "connection refused: nothing listens there";
        } catch (SocketTimeoutException e) {
            return "no answer in " + timeoutMs / 1000 + " s";
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
