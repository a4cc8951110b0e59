import { expect, test } from "@playwright/test";
import { createUsers, hydrated, newApplication } from "./helpers";

test("select all matching, preview, add to a group; the job's report stays across a reload", async ({ page }) => {
  test.setTimeout(90_000);
  const usersUrl = await newApplication(page);
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  await createUsers(page, usersUrl, 30);
  const group = await page.request.post("/api/groups/create", {
    form: { application_id: applicationId, name: "Barn", description: "", parent_id: "" },
    headers: { Accept: "application/json" },
  });
  expect(group.ok()).toBeTruthy();
  await page.goto(usersUrl);
  await hydrated(page);

  await page.getByRole("checkbox", { name: "Select every user on this page" }).check();
  await expect(page.getByText("All 25 on this page are selected.")).toBeVisible();
  await page.getByRole("button", { name: "Select all 30 matching" }).click();
  await expect(page.getByText("All 30 matching users are selected.")).toBeVisible();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await expect(bar.getByText("All 30 matching selected")).toBeVisible();

  // Nothing runs without a group.
  await bar.getByRole("button", { name: "Preview…" }).click();
  await expect(bar.getByText("Choose a group of this application")).toBeVisible();
  await bar.getByLabel("Group", { exact: true }).selectOption({ label: "Barn" });
  await bar.getByRole("button", { name: "Preview…" }).click();
  const dialog = page.getByRole("dialog", { name: "Before it runs" });
  await expect(dialog).toContainText("30 users will be added to Barn; 0 users are in it already.");
  await dialog.getByRole("button", { name: "Run on 30 users" }).click();
  const job = page.getByRole("region", { name: "Bulk action" });
  await expect(job.getByText("Added to Barn: 30 changed, 0 unchanged of 30 selected.")).toBeVisible();
  await expect(page).toHaveURL(/bulk=[0-9a-f]{24}/);
  await expect(page.getByRole("link", { name: "In any group 30" })).toBeVisible();

  await page.reload();
  await hydrated(page);
  await expect(job.getByText("Added to Barn: 30 changed, 0 unchanged of 30 selected.")).toBeVisible();
  await job.getByRole("button", { name: "Dismiss" }).click();
  await expect(job).toBeHidden();
});

test("delete ticked rows only after typing their number", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await createUsers(page, usersUrl, 4);
  await page.goto(usersUrl);
  await hydrated(page);
  await page.getByRole("checkbox", { name: "Select user01@example.com" }).check();
  await page.getByRole("checkbox", { name: "Select user02@example.com" }).check();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await expect(bar.getByText("2 selected")).toBeVisible();
  await bar.getByLabel("Action", { exact: true }).selectOption({ label: "Delete" });
  await bar.getByRole("button", { name: "Preview…" }).click();
  const dialog = page.getByRole("dialog", { name: "Before it runs" });
  await expect(dialog).toContainText("2 users will be deleted; 0 of them are in groups.");
  const run = dialog.getByRole("button", { name: "Run on 2 users" });
  await expect(run).toBeDisabled();
  await dialog.getByLabel("Type 2 to confirm").fill("3");
  await expect(run).toBeDisabled();
  await dialog.getByLabel("Type 2 to confirm").fill("2");
  await run.click();
  await expect(page.getByRole("region", { name: "Bulk action" }).getByText("Deleted: 2 changed, 0 unchanged of 2 selected.")).toBeVisible();
  await expect(page.getByText("2 shown of 2")).toBeVisible();
  await expect(page.getByRole("link", { name: "user01@example.com" })).toBeHidden();
  await expect(page.getByRole("link", { name: "user00@example.com" })).toBeVisible();
});

test("a bulk action over every matching user shows its progress while it runs", async ({ page }) => {
  test.setTimeout(180_000);
  const usersUrl = await newApplication(page);
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  // 20,000 users without passwords (nothing to hash), imported in one request.
  const rows = Array.from({ length: 20_000 }, (_, i) => `many${String(i).padStart(5, "0")}@example.com`);
  const imported = await page.request.post(`/applications/${applicationId}/experience/users/imports?mode=create`, {
    data: Buffer.from(`email\n${rows.join("\n")}\n`),
    headers: { "Content-Type": "application/octet-stream", Accept: "application/json" },
  });
  expect(imported.status(), await imported.text()).toBe(202);
  const jobId = (await imported.json()).jobId;
  await expect
    .poll(
      async () => {
        const job = await page.request.post("/api/users/import", {
          form: { application_id: applicationId, job_id: jobId },
          headers: { Accept: "application/json" },
        });
        return (await job.json()).state;
      },
      { timeout: 60_000 },
    )
    .toBe("done");
  const group = await page.request.post("/api/groups/create", {
    form: { application_id: applicationId, name: "Everyone", description: "", parent_id: "" },
    headers: { Accept: "application/json" },
  });
  expect(group.ok()).toBeTruthy();
  await page.goto(usersUrl);
  await hydrated(page);

  // Past the count's cap the words say so instead of a number that is not the count.
  await expect(page.getByText("25 shown of more than 100")).toBeVisible();
  await page.getByRole("checkbox", { name: "Select every user on this page" }).check();
  await page.getByRole("button", { name: "Select every matching user (more than 100)" }).click();
  await expect(page.getByText("Every matching user (more than 100) is selected.")).toBeVisible();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await expect(bar.getByText("Every matching user selected (more than 100)")).toBeVisible();
  await bar.getByLabel("Group", { exact: true }).selectOption({ label: "Everyone" });
  await bar.getByRole("button", { name: "Preview…" }).click();
  const dialog = page.getByRole("dialog", { name: "Before it runs" });
  // The preview counts them exactly.
  await expect(dialog).toContainText("20,000 users will be added to Everyone; 0 users are in it already.");
  await dialog.getByRole("button", { name: "Run on 20,000 users" }).click();

  const job = page.getByRole("region", { name: "Bulk action" });
  const progress = job.getByRole("progressbar", { name: "Bulk action progress" });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("max", "20000");
  await expect(job.getByText("Added to Everyone: 20,000 changed, 0 unchanged of 20,000 selected.")).toBeVisible({
    timeout: 120_000,
  });
  await expect(progress).toBeHidden();
});
