import { expect, test } from "@playwright/test";
import { hydrated, newApplication } from "./helpers";

test("create an API token, use it once shown, see its last use, revoke it", async ({ page, request }) => {
  const usersUrl = await newApplication(page);
  const appId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText("No API tokens yet")).toBeVisible();

  // A blank name is refused before anything is sent.
  await page.getByRole("button", { name: "Create API token" }).click();
  const sent: string[] = [];
  page.on("request", (r) => { if (r.url().includes("/api/api-tokens/create")) sent.push(r.url()); });
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("Enter a name")).toBeVisible();
  expect(sent).toEqual([]);

  await page.getByLabel("Name").fill("Nightly export");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const secretField = page.getByLabel("Token");
  await expect(secretField).toHaveValue(/^euapi_[A-Za-z0-9_-]{43}$/);
  await expect(secretField).toHaveAttribute("readonly", "");
  const secret = await secretField.inputValue();
  const row = page.getByRole("row").filter({ hasText: "Nightly export" });
  await expect(row).toContainText("Active");
  const lastUsed = row.getByRole("cell").nth(3);
  await expect(lastUsed).toHaveText("Never");

  const users = `/api/v1/applications/${appId}/experience/users`;
  const ok = await request.get(users, { headers: { authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).totalCount).toBe(0);

  // Shown once: after a reload the secret is gone from the page.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Token")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  // The call above is now the token's last use.
  await expect(lastUsed).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);

  await page.getByRole("button", { name: "Revoke Nightly export" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Nightly export");
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: "Nightly export" })).toContainText("Revoked");
  const refused = await request.get(users, { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).type).toBe("Unauthorized");
});
