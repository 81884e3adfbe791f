// The API page as a person uses it: open <base>/docs in Debian's chromium (playwright-core, no browser
// download), paste a token under "Authorize", run GET /api/v1/org/me with "Execute". Prints one JSON
// line: the answer's status, whether it carried the token, and every URL the page requested.
// Usage: node docs-page.mjs <base-url> <token> <chromium-path>
import { chromium } from "playwright-core";

const [base, token, executablePath] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const requested = [];
try {
  const page = await browser.newPage();
  page.on("request", (request) => requested.push(request.url()));
  await page.goto(`${base}/docs`, { waitUntil: "networkidle" });
  await page.locator("button.authorize").first().click();
  await page.locator(".modal-ux input[type=text], .modal-ux input[type=password]").first().fill(token);
  await page.locator(".modal-ux .auth-btn-wrapper button.authorize").click();
  await page.locator(".modal-ux button.btn-done").click();
  const operation = page.locator(".opblock-get", {
    has: page.locator('.opblock-summary-path[data-path="/api/v1/org/me"]'),
  });
  await operation.locator(".opblock-summary").first().click();
  const tryItOut = operation.locator("button.try-out__btn");
  if (await tryItOut.count()) {
    const label = (await tryItOut.textContent()) || "";
    if (label.toLowerCase().includes("try")) await tryItOut.click();
  }
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/org/me");
  await operation.locator("button.execute").click();
  const response = await answered;
  const shown = await operation.locator(".live-responses-table tbody .response-col_status").first().textContent();
  console.log(
    JSON.stringify({
      status: response.status(),
      shown: (shown || "").trim(),
      authorized: (response.request().headers()["authorization"] || "") === `Bearer ${token}`,
      body: await response.json(),
      requested,
    }),
  );
} finally {
  await browser.close();
}
