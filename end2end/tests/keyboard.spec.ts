import { expect, Page, test } from "@playwright/test";
import { hydrated, newApplication } from "./helpers";

// Add, edit and delete a user with the keyboard alone (after the set-up): Tab to a control,
// type, Enter. The confirmation dialog keeps the focus on its buttons and closes with Escape.

/** The accessible-ish name of the focused element: its aria-label, its label, or its text. */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> };
    if (!el) return "";
    return (el.getAttribute("aria-label") ?? el.labels?.[0]?.textContent ?? el.textContent ?? "").trim();
  });
}

/** Presses Tab until the focus is on the control named `name` (at most 80 times). */
async function tabTo(page: Page, name: string | RegExp) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const focused = await focusedName(page);
    if (typeof name === "string" ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

test("add, edit and delete a user with the keyboard alone", async ({ page }) => {
  const usersUrl = await newApplication(page);
  const email = "kim@example.com";

  // Add.
  await tabTo(page, "Add Experience User");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Add Experience User" })).toBeVisible();
  await hydrated(page);
  await tabTo(page, "Email");
  await page.keyboard.type(email);
  await tabTo(page, "Password");
  await page.keyboard.type("a-good-password");
  await tabTo(page, "First name");
  await page.keyboard.type("Kim");
  await tabTo(page, "Save");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(usersUrl);
  await expect(page.getByRole("link", { name: email })).toBeVisible();

  // Edit.
  await hydrated(page);
  await tabTo(page, email);
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await hydrated(page);
  await tabTo(page, "First name");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Kimberly");
  await tabTo(page, "Save");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Saved");

  // Delete, from the edit page: the dialog traps the focus, Escape closes it, Enter confirms.
  await tabTo(page, "Delete");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  for (const expected of ["Delete user", "Cancel", "Delete user", "Cancel"]) {
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: expected })).toBeFocused();
  }
  await page.keyboard.press("Shift+Tab");
  await expect(dialog.getByRole("button", { name: "Delete user" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);

  await tabTo(page, "Delete");
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(usersUrl);
  await expect(page.getByRole("link", { name: email })).toHaveCount(0);
});
