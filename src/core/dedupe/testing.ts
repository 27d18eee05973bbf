/** Record builders and fast-check generators shared by the dedupe tests. */
import fc from "fast-check";
import type { DedupeRecord } from "./records.js";

export function contact(
  id: string,
  name: string,
  more: Partial<Omit<DedupeRecord, "id" | "name">> = {},
): DedupeRecord {
  return { id, name, phones: [], emails: [], city: "", country: "IT", ...more };
}

// Small pools, so random records often share names, phones and e-mails (in several scripts and
// formats): the interesting cases for scoring and clustering.
const NAMES = [
  "Maria Rossi",
  "ROSSI Maria",
  "Marco Rossi",
  "M. Rossi",
  "Giorgos Papadopoulos",
  "Γιώργος Παπαδόπουλος",
  "Yiorgos Papadopoulos",
  "Ελένη Παπαδοπούλου",
  "محمد الأحمد",
  "Mohammed Al-Ahmad",
  "Олена Коваленко",
  "Olena Kovalenko",
  "José García López",
  "Jose Garcia",
  "",
];
const PHONES = [
  "333 123 4567",
  "+39 333 123 4567",
  "0039 3331234567",
  "06 1234 5678",
  "694 123 4567",
  "+30 6941234567",
];
const EMAILS = ["maria.rossi@gmail.com", "mariarossi@gmail.com", "g.papa@otenet.gr", "olena@ukr.net"];
const CITIES = ["Roma", "Rome", "Αθήνα", "Athens", ""];

export const randomRecords = (maxLength = 12) =>
  fc
    .array(
      fc.record({
        name: fc.constantFrom(...NAMES),
        phones: fc.subarray(PHONES, { maxLength: 2 }),
        emails: fc.subarray(EMAILS, { maxLength: 1 }),
        city: fc.constantFrom(...CITIES),
        country: fc.constantFrom("IT", "GR", null),
      }),
      { maxLength },
    )
    .map((rows) => rows.map((row, i): DedupeRecord => ({ id: `r${i}`, ...row })));
