/** `handoff import contacts` run as a user would, on a fresh SQLite file per test. */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../bin/handoff.js");
const FIXTURES = join(import.meta.dirname, "../fixtures");

let dir = "";
/** A database holding the organisation "acme", made once (a user's password hash takes a while) and copied. */
let template = "";
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "handoff-import-"));
  template = join(dir, "template.db");
  const added = await handoff(
    dir,
    ...["user", "add", "--db", template, "--org", "acme", "--email", "admin@acme.example"],
    ...["--name", "Admin", "--password", "a long enough passphrase"],
  );
  expect(added.code, added.stderr).toBe(0);
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function handoff(cwd: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr });
    });
  });
}

/** A folder with a fresh SQLite file holding the organisation "acme" and no contacts. */
function freshOrganisation(): string {
  const folder = mkdtempSync(join(dir, "case-"));
  copyFileSync(template, join(folder, "handoff.db"));
  return folder;
}

function importContacts(folder: string, file: string, ...args: string[]) {
  return handoff(folder, "import", "contacts", file, "--org", "acme", "--db", "handoff.db", ...args);
}

function contacts(folder: string): Array<{ display_name: string; phones: string; emails: string }> {
  const db = new Database(join(folder, "handoff.db"), { readonly: true });
  try {
    return db
      .prepare("select display_name, phones, emails from contacts order by display_name")
      .all() as Array<{
      display_name: string;
      phones: string;
      emails: string;
    }>;
  } finally {
    db.close();
  }
}

function auditActions(folder: string): string[] {
  const db = new Database(join(folder, "handoff.db"), { readonly: true });
  try {
    const rows = db.prepare("select action from audit_log where entity = 'contact'").all() as Array<{
      action: string;
    }>;
    return rows.map((row) => row.action);
  } finally {
    db.close();
  }
}

function comments(folder: string): string[] {
  const db = new Database(join(folder, "handoff.db"), { readonly: true });
  try {
    const rows = db.prepare("select body from activities where kind = 'comment'").all() as Array<{
      body: string;
    }>;
    return rows.map((row) => row.body);
  } finally {
    db.close();
  }
}

// A BOM, CRLF line ends, a quoted cell; line 3 has a bad e-mail, line 4 a lat without lon.
const MIXED = `\uFEFFname,Phone,E-mail,lat,lon,notes\r
Anna Rossi,+39 333 1234567,anna@example.org,41.9,12.5,"likes ""tea"""\r
Bruno Bad,,bruno@,,,\r
Carla Half,,carla@example.org,41.9,,\r
Dario Neri,,dario@example.org,,,\r
`;

// Each test starts the command a few times, and a start takes seconds on a small machine.
describe("handoff import contacts", { timeout: 120_000 }, () => {
  it("imports the good rows, names file:line:column of the bad ones and exits 2", async () => {
    const folder = freshOrganisation();
    writeFileSync(join(folder, "contacts.csv"), MIXED);
    const run = await importContacts(
      folder,
      "contacts.csv",
      "--map",
      "E-mail=email",
      "--errors",
      "errors.csv",
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("contacts.csv:3:3: E-mail: not an e-mail address");
    expect(run.stderr).toContain("contacts.csv:4:5: lon: lat and lon are given together");
    expect(run.stderr).toMatch(/4 rows, created 2, already imported 0, bad 2/);
    expect(contacts(folder).map((c) => c.display_name)).toEqual(["Anna Rossi", "Dario Neri"]);
    expect(JSON.parse(contacts(folder)[0]?.phones ?? "[]")).toEqual(["+393331234567"]);
    expect(auditActions(folder)).toEqual(["contact.import", "contact.import"]);
    const errors = readFileSync(join(folder, "errors.csv"), "utf8").trim().split("\n");
    expect(errors).toEqual([
      "line,column,field,value,message",
      "3,3,email,bruno@,not an e-mail address",
      "4,5,lon,,lat and lon are given together",
    ]);
  });

  it("creates nothing the second time the same file is imported", async () => {
    const folder = freshOrganisation();
    writeFileSync(join(folder, "contacts.csv"), MIXED);
    await importContacts(folder, "contacts.csv", "--map", "E-mail=email");
    const again = await importContacts(folder, "contacts.csv", "--map", "E-mail=email");
    expect(again.stderr).toMatch(/created 0, already imported 2, bad 2/);
    expect(contacts(folder)).toHaveLength(2);
  });

  it("writes nothing on --dry-run and exits 0 when every row is good", async () => {
    const folder = freshOrganisation();
    writeFileSync(join(folder, "good.csv"), "name,email\nAnna,anna@example.org\nBruno,bruno@example.org\n");
    const dry = await importContacts(folder, "good.csv", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/dry run.*2 rows, would create 2, already imported 0, bad 0/);
    expect(contacts(folder)).toEqual([]);
    expect(auditActions(folder)).toEqual([]);
  });

  it("imports the first sheet of an XLSX workbook", async () => {
    const folder = freshOrganisation();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Leads");
    sheet.addRow(["Given name", "Family name", "Mobile", "City"]);
    sheet.addRow(["Elena", "Bianchi", 393331112222, "Roma"]);
    sheet.addRow(["Fabio", "Verdi", "+39 333 444 5555", ""]);
    await workbook.xlsx.writeFile(join(folder, "leads.xlsx"));
    const run = await importContacts(folder, "leads.xlsx", "--map", "Mobile=phone", "--source", "fair");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/2 rows, created 2, already imported 0, bad 0/);
    expect(contacts(folder).map((c) => c.display_name)).toEqual(["Elena Bianchi", "Fabio Verdi"]);
  });

  it("maps columns with --map and refuses a --map naming a missing column or field", async () => {
    const folder = freshOrganisation();
    writeFileSync(join(folder, "c.csv"), "Full name,Mobile\nGino Gialli,+39 333 777 8888\n");
    const noColumn = await importContacts(folder, "c.csv", "--map", "Cell=phone");
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr).toContain('no column "Cell"');
    const noField = await importContacts(folder, "c.csv", "--map", "Mobile=fone");
    expect(noField.code).toBe(2);
    expect(noField.stderr).toContain('no field "fone"');
    expect(contacts(folder)).toEqual([]);
    const mapped = await importContacts(folder, "c.csv", "--map", "Full name=name", "--map", "Mobile=phone");
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(contacts(folder).map((c) => [c.display_name, JSON.parse(c.phones)])).toEqual([
      ["Gino Gialli", ["+393337778888"]],
    ]);
  });

  it("reads a Disciple.Tools export with --preset disciple-tools, its status and path kept as a note", async () => {
    const folder = freshOrganisation();
    copyFileSync(join(FIXTURES, "disciple-tools-contacts.csv"), join(folder, "dt.csv"));
    const run = await importContacts(folder, "dt.csv", "--preset", "disciple-tools");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('dt.csv:5:8: Email: not an e-mail address ("nasrin.rahimi@")');
    expect(run.stderr).toMatch(/6 rows, created 5, already imported 0, bad 1/);
    expect(contacts(folder)).toHaveLength(5);
    const note = comments(folder).find((body) => body.startsWith("ID: 1042"));
    expect(note).toContain("Contact Status: Active\nFaith Milestones: Has Bible;Reading Bible");
    expect(note).toContain("Seeker Path: First Meeting Complete");
    const unknown = await importContacts(folder, "dt.csv", "--preset", "salesforce");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--preset "salesforce": there is no such preset; presets are disciple-tools',
    );
  });
});
