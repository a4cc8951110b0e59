import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { createUsers, hydrated, newApplication } from "./helpers";

test("export a filtered view, import it into another application, see a bad file's rows", async ({ page }) => {
  const sourceUrl = await newApplication(page);
  await createUsers(page, sourceUrl, 6);
  await page.goto(`${sourceUrl}?q=Odd`);
  await hydrated(page);
  await expect(page.getByText("3 shown of 3")).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const exported = await readFile((await download.path())!, "utf8");

  const targetUrl = await newApplication(page);
  await page.getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Import Users" })).toBeVisible();
  await hydrated(page);
  const chooseFile = (name: string, text: string) =>
    page.getByLabel("CSV or JSON file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

  // A file with bad rows: the check lists each by line and column, and nothing can be imported.
  await chooseFile("bad.csv", "email,firstName,password\nok@example.com,Ok,a-good-password\nnot-an-email,X,a-good-password\nshort@example.com,Y,short\n");
  await page.getByRole("button", { name: "Check file" }).click();
  const check = page.getByRole("region", { name: "Check result" });
  await expect(check.getByText("3 rows: 1 new, 0 updated, 0 unchanged, 2 with problems.")).toBeVisible();
  await expect(check.getByRole("row", { name: "3 email Enter a valid email address" })).toBeVisible();
  await expect(check.getByRole("row", { name: /^4 password Password must be at least 8 characters/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Import 1 users" })).toBeDisabled();

  // The export: checked, then imported as a job whose end shows; the list has the users.
  await chooseFile("users.csv", exported);
  await expect(check).toBeHidden();
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(check.getByText("3 rows: 3 new, 0 updated, 0 unchanged, 0 with problems.")).toBeVisible();
  await page.getByRole("button", { name: "Import 3 users" }).click();
  await expect(page).toHaveURL(/\/import\?job=[0-9a-f]{24}$/);
  const job = page.getByRole("region", { name: "Import", exact: true });
  await expect(job.getByText("Imported 3 rows: 3 new, 0 updated, 0 unchanged.")).toBeVisible();

  // A reload shows the same job, and the latest imports.
  await page.reload();
  await expect(job.getByText("Imported 3 rows: 3 new, 0 updated, 0 unchanged.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Latest imports" }).getByText("Imported: 3 new, 0 updated, 0 unchanged")).toBeVisible();

  await page.goto(targetUrl);
  await expect(page.getByText("3 shown of 3")).toBeVisible();
  for (const n of ["01", "03", "05"]) await expect(page.getByRole("link", { name: `user${n}@example.com` })).toBeVisible();
});

test("a running import shows its progress bar, also after a reload", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await page.goto(`${usersUrl}/import`);
  await hydrated(page);
  // Plaintext passwords take argon2 time: long enough to watch.
  const rows = Array.from({ length: 400 }, (_, i) => `slow${i}@example.com,a-good-password-${i}`);
  await page.getByLabel("CSV or JSON file").setInputFiles({ name: "slow.csv", mimeType: "text/csv", buffer: Buffer.from(`email,password\n${rows.join("\n")}\n`) });
  await page.getByRole("button", { name: "Check file" }).click();
  await page.getByRole("button", { name: "Import 400 users" }).click();
  const progress = page.getByRole("progressbar", { name: "Import progress" });
  await expect(progress).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("region", { name: "Import", exact: true }).getByText("Imported 400 rows: 400 new, 0 updated, 0 unchanged.")).toBeVisible({ timeout: 60_000 });
  await expect(progress).toBeHidden();
});
