package io.camelskytools.runtime.status;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless Chromium (Debian's chromium and chromium-driver, which
 * .ci/run installs): the queues and consumers of a running `skytools run`, and a lag chart
 * whose line grows as samples arrive.
 */
@Tag("needs-debian")
class StatusPageBrowserTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String DRIVER = "/usr/bin/chromedriver";

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void showsQueuesConsumersAndLagChart() throws Exception {
        int mgmtPort = freePort();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            // a consumer that never reads: its lag grows while we watch
            s.exec("select pgq.register_consumer('orders', 'reporting')");
            // a name that would be markup if the page were careless
            s.exec("select pgq.create_queue('<i>odd</i>')");
            s.exec("select pgq.insert_event('orders', 'order', '1')");
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.stats.period = 300ms",
                "skytools.management.port = " + mgmtPort, ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "20");

        browser = chromium();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(40), Duration.ofMillis(200));
        // the page redraws its tables and chart on every refresh: an element found just before may be gone
        wait.ignoring(StaleElementReferenceException.class);
        // the runtime may still be starting: reload until the page is served
        wait.until(b -> {
            try {
                b.get("http://127.0.0.1:" + mgmtPort + "/status");
            } catch (WebDriverException notServedYet) {
                // chromedriver reports a refused connection as an error, not as an error page
                return false;
            }
            return !b.findElements(By.id("lag-chart")).isEmpty();
        });

        wait.until(b -> b.findElements(By.id("consumers-main")).stream().findFirst().orElse(null));
        wait.until(b -> consumers(b).stream().anyMatch(r -> r.get(0).equals("orders") && r.get(1).equals("reporting")));
        // the chart gets one sample per read of the database; wait for a line with several
        wait.until(b -> samples(b, "main/orders/reporting") >= 4);
        String points = wait.until(b -> b.findElement(By.cssSelector("polyline[data-series='main/orders/reporting']"))
                .getAttribute("points"));
        assertThat(points.split(" ")).hasSizeGreaterThanOrEqualTo(4);

        List<String> queueCells = wait.until(b -> b.findElements(By.cssSelector("#queues-main td")).stream()
                .map(WebElement::getText).toList());
        assertThat(queueCells).contains("orders", "<i>odd</i>");
        assertThat(browser.findElements(By.cssSelector("#queues-main i"))).isEmpty();
        String health = wait.until(b -> b.findElement(By.cssSelector("[data-db='main']")).getText());
        assertThat(health).isEqualTo("healthy");
        Boolean consumersShown = wait.until(b -> b.findElement(By.id("consumers-main")).isDisplayed());
        assertThat(consumersShown).isTrue();
        // figures PgQ derives from event ids say that they estimate, and the page says why
        List<String> consumerHeads = browser.findElements(By.cssSelector("#consumers-main th")).stream()
                .map(WebElement::getText).toList();
        assertThat(consumerHeads).contains("pending events (est.)");
        assertThat(browser.findElement(By.id("estimates")).getText()).contains("forced tick");
        String legend = wait.until(b -> b.findElement(By.id("legend")).getText());
        assertThat(legend).contains("main/orders/reporting");

        assertThat(run.exit(60)).isZero();
    }

    private static List<List<String>> consumers(WebDriver b) {
        return b.findElements(By.cssSelector("#consumers-main tr")).stream()
                .map(tr -> tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                .filter(cells -> cells.size() >= 2)
                .toList();
    }

    private static int samples(WebDriver b, String series) {
        List<WebElement> lines = b.findElements(By.cssSelector("polyline[data-series='" + series + "']"));
        return lines.isEmpty() ? 0 : Integer.parseInt(lines.get(0).getAttribute("data-samples"));
    }

    private WebDriver chromium() throws Exception {
        if (!new File(CHROMIUM).canExecute() || !new File(DRIVER).canExecute()) {
            throw new IllegalStateException("needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + DRIVER
                                            + "): .ci/run installs them");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
