package dev.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class StandaloneMasterTest {

    /** A port of 127.0.0.1 that nothing listens on: one just given back by the system. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aMasterNothingListensForIsNamedAtOnceWithHowToStartIt() throws Exception {
        int port = closedPort();
        String master = "spark://127.0.0.1:" + port;
        long start = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StandaloneMaster.checkAnswers(master, StandaloneMaster.CONNECT_TIMEOUT_MS));
        assertEquals("spark.master '" + master + "': no Spark standalone master answers at 127.0.0.1:" + port
                + " (connection refused: nothing listens there); start the master (sbin/start-master.sh on that"
                + " host prints its spark://host:port URL, 7077 by default) or give spark.master (spark-submit's --master)"
                + " the URL it printed",
                e.getMessage());
        // Refused at once, not after Spark's minute of retries
        assertEquals(0, (System.nanoTime() - start) / 1_000_000_000L);
    }

    @Test
    void aListeningMasterOrOneOfSeveralPasses() throws Exception {
        try (ServerSocket master = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = master.getLocalPort();
            assertDoesNotThrow(() -> StandaloneMaster.checkAnswers("spark://127.0.0.1:" + port, 1000));
            // a standby list: the first is down, the second answers
            assertDoesNotThrow(() -> StandaloneMaster.checkAnswers(
                    "spark://127.0.0.1:" + closedPort() + ",127.0.0.1:" + port, 1000));
        }
    }

    @Test
    void otherMastersAndMalformedUrlsAreLeftToSpark() {
        for (String master : new String[] {"local[2]", "yarn", "k8s://https://127.0.0.1:6443", "spark://",
            "spark://127.0.0.1", "spark://127.0.0.1:port", "spark://127.0.0.1:0", "spark://127.0.0.1:1, 127.0.0.1:2"}) {
            assertDoesNotThrow(() -> StandaloneMaster.checkAnswers(master, 1000), master);
        }
    }
}
