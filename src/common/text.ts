import { badInput } from "../errors/app-error";

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** Trims a free-text field and enforces its length; an empty value becomes null when optional. */
export function cleanText(field: string, raw: string, options: { max: number; required: true }): string;
export function cleanText(field: string, raw: string | null | undefined, options: { max: number; required?: false }): string | null;
export function cleanText(field: string, raw: string | null | undefined, options: { max: number; required?: boolean }): string | null {
  const value = (raw ?? "").trim();
  if (/\p{Cs}/u.test(value)) throw badInput(field, `${field} must be valid Unicode`);
  if (CONTROL_CHARACTERS.test(value)) throw badInput(field, `${field} must not contain control characters`);
  if (value.length > options.max) throw badInput(field, `${field} must be at most ${options.max} characters`);
  if (!value) {
    if (options.required) throw badInput(field, `${field} must not be empty`);
    return null;
  }
  return value;
}

/** `%` and `_` are literal in a search; '!' is the LIKE escape character (the same on SQLite and MySQL). */
export function containsPattern(search: string): string {
  return `%${search.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email address as stored: trimmed, lower-cased, one '@' and a dotted domain. */
export function cleanEmail(field: string, raw: string): string {
  const email = cleanText(field, raw, { max: 254, required: true }).toLowerCase();
  if (!EMAIL.test(email)) throw badInput(field, `${field} is not an email address`);
  return email;
}
