import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { createUsers, hydrated, newApplication } from "./helpers";

test("export downloads every page of the view and filter shown", async ({ page }) => {
  const usersUrl = await newApplication(page);
  // 30 users, to have more than one page of 25.
  await createUsers(page, usersUrl, 30);
  const download = async (name: string) => {
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
    return readFile((await file.path())!, "utf8");
  };

  await page.goto(usersUrl);
  await hydrated(page);
  await expect(page.getByText("25 shown of 30")).toBeVisible();
  const csv = (await download("Export CSV")).trim().split("\n");
  expect(csv[0]).toBe("id,email,firstName,lastName,creationDate,lastUpdated,lastLogin,passwordLastUpdated,groups");
  expect(csv.length).toBe(31);
  expect(csv[1]).toContain("user00@example.com,First00,Even");

  // The filter and the sort of the page go with it.
  await page.goto(`${usersUrl}?q=Odd&dir=desc`);
  await hydrated(page);
  await expect(page.getByText("15 shown of 15")).toBeVisible();
  const users = JSON.parse(await download("Export JSON"));
  expect(users.map((u: { email: string }) => u.email)).toEqual(
    Array.from({ length: 15 }, (_, k) => `user${String(29 - 2 * k).padStart(2, "0")}@example.com`),
  );
  expect(users[0]).toMatchObject({ firstName: "First29", lastName: "Odd", groups: [], tags: {}, lastLogin: null });
  expect(users[0].passwordHash).toBeUndefined();

  // Hashes only when asked for.
  await page.getByLabel("with password hashes").check();
  const withHashes = (await download("Export CSV")).trim().split("\n");
  expect(withHashes[0]).toContain("passwordLastUpdated,groups,passwordHash");
  expect(withHashes.length).toBe(16);
  expect(withHashes[1]).toContain("$argon2id$v=19$");
});
