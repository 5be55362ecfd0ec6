import {
  checksum,
  generatePlatformToken,
  generateToken,
  hashToken,
  isWellFormedPlatformToken,
  isWellFormedToken,
  randomBase62,
  TOKEN_PATTERN,
  tokenHint,
} from "../../src/modules/api-key/token";

describe("API key tokens", () => {
  it("have the lk_test_/lk_live_ prefix of their environment and 36 base62 characters", () => {
    expect(generateToken("SANDBOX")).toMatch(/^lk_test_[0-9A-Za-z]{36}$/);
    expect(generateToken("PRODUCTION")).toMatch(/^lk_live_[0-9A-Za-z]{36}$/);
    expect(TOKEN_PATTERN.test(generateToken("PRODUCTION"))).toBe(true);
  });

  it("end with the base62 CRC32 of everything before the checksum", () => {
    const token = generateToken("SANDBOX");
    expect(token.slice(-6)).toBe(checksum(token.slice(0, -6)));
    expect(isWellFormedToken(token)).toBe(true);
  });

  it("platform keys: lk_plat_, 30 random base62, the same checksum; never mistaken for an API key or the reverse", () => {
    const token = generatePlatformToken();
    expect(token).toMatch(/^lk_plat_[0-9A-Za-z]{36}$/);
    expect(token.slice(-6)).toBe(checksum(token.slice(0, -6)));
    expect(isWellFormedPlatformToken(token)).toBe(true);
    expect(isWellFormedToken(token)).toBe(false);
    expect(isWellFormedPlatformToken(generateToken("PRODUCTION"))).toBe(false);
    const last = token.slice(-1) === "0" ? "1" : "0";
    expect(isWellFormedPlatformToken(token.slice(0, -1) + last)).toBe(false);
  });

  it("writes the checksum as six base62 digits, zero-padded", () => {
    // CRC32("") is 0 and CRC32("a") is 0xE8B7BE43 = 3904355907
    expect(checksum("")).toBe("000000");
    let n = 3904355907;
    let expected = "";
    const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (let i = 0; i < 6; i++) {
      expected = digits[n % 62] + expected;
      n = Math.floor(n / 62);
    }
    expect(checksum("a")).toBe(expected);
  });

  it("rejects a mistyped token without any lookup: every single-character change is caught", () => {
    const token = generateToken("PRODUCTION");
    let caught = 0;
    let tried = 0;
    for (let i = 8; i < token.length; i++) {
      const replacement = token[i] === "a" ? "b" : "a";
      tried++;
      if (!isWellFormedToken(token.slice(0, i) + replacement + token.slice(i + 1))) caught++;
    }
    expect(caught).toBe(tried);
  });

  it("rejects strings of the wrong shape, and a right body with another environment's prefix", () => {
    const token = generateToken("SANDBOX");
    expect(isWellFormedToken(token.replace("lk_test_", "lk_live_"))).toBe(false);
    expect(isWellFormedToken(token.slice(0, -1))).toBe(false);
    expect(isWellFormedToken(token + "x")).toBe(false);
    expect(isWellFormedToken("lk_test_" + "0".repeat(36))).toBe(false);
    expect(isWellFormedToken("")).toBe(false);
    expect(isWellFormedToken("Bearer " + token)).toBe(false);
  });

  it("are random: 1000 tokens are distinct and use the whole alphabet", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken("SANDBOX")));
    expect(tokens.size).toBe(1000);
    const chars = new Set([...tokens].flatMap((t) => [...t.slice(8, 38)]));
    expect(chars.size).toBe(62);
    expect(randomBase62(30)).toHaveLength(30);
  });

  it("are stored as a SHA-256 hex hash and shown as a hint of the first 12 and last 4 characters", () => {
    const token = "lk_live_3kF9abcdefghijklmnopqrstuvwxyz0x2Qa";
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(tokenHint(generateToken("PRODUCTION"))).toMatch(/^lk_live_[0-9A-Za-z]{4}…[0-9A-Za-z]{4}$/);
    expect(tokenHint("lk_live_3kF9" + "z".repeat(28) + "x2Qa")).toBe("lk_live_3kF9…x2Qa");
  });
});
