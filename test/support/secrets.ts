/** What may never appear in a log line or an error body: API key tokens and JWTs. */
const SECRET_PATTERNS: [string, RegExp][] = [
  ["an API key token", /lk_(?:test|live)_[0-9A-Za-z]{36}/],
  ["a JWT", /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/],
];

/** Throws, naming what leaked and where, when `text` contains a token or a JWT. */
export function assertNoSecrets(text: string, where: string): void {
  for (const [what, pattern] of SECRET_PATTERNS) {
    const match = pattern.exec(text);
    if (match) {
      const at = Math.max(0, match.index - 80);
      throw new Error(`${what} leaked into ${where}: …${text.slice(at, match.index)}[SECRET]…`);
    }
  }
}
