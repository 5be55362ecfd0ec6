import { badInput } from "../errors/app-error";

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;
// Bidirectional embeddings, overrides and isolates: they let one key's description pass for another's on screen.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** Longest search string accepted by every list (SQLite refuses LIKE patterns past 50,000 bytes). */
export const SEARCH_MAX = 255;

/** Trims a free-text field and enforces its length; an empty value becomes null when optional. */
export function cleanText(field: string, raw: string, options: { max: number; required: true }): string;
export function cleanText(
  field: string,
  raw: string | null | undefined,
  options: { max: number; required?: false },
): string | null;
export function cleanText(
  field: string,
  raw: string | null | undefined,
  options: { max: number; required?: boolean },
): string | null {
  const value = (raw ?? "").trim();
  if (/\p{Cs}/u.test(value)) throw badInput(field, `${field} must be valid Unicode`);
  if (CONTROL_CHARACTERS.test(value)) throw badInput(field, `${field} must not contain control characters`);
  if (BIDI_CONTROLS.test(value))
    throw badInput(field, `${field} must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)`);
  if (value.length > options.max) throw badInput(field, `${field} must be at most ${options.max} characters`);
  if (!value) {
    if (options.required) throw badInput(field, `${field} must not be empty`);
    return null;
  }
  return value;
}

/**
 * A list's search argument: trimmed, at most 255 characters, none of the characters free text refuses
 * (a NUL would end SQLite's LIKE pattern early and match every row). Blank or absent: no filter.
 */
export function cleanSearch(field: string, raw: string | null | undefined): string | null {
  return cleanText(field, raw, { max: SEARCH_MAX });
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

/** Most items any list argument may hold (documented in docs/api.md); more is BAD_USER_INPUT. */
export const LIST_MAX = 100;

/** A list argument without repeats, refused past `max` items (a 33,000-value filter must not reach SQL). */
export function distinctItems<T>(field: string, items: readonly T[] | null | undefined, max = LIST_MAX): T[] {
  if (!items) return [];
  if (items.length > max) throw badInput(field, `${field} takes at most ${max} items`);
  return [...new Set(items)];
}
