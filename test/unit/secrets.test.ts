import { assertNoSecrets } from "../support/secrets";
import { generateToken } from "../../src/modules/api-key/token";

describe("the secret detector used on every log and error body of the run", () => {
  it("finds an API key token and a JWT, and passes hints and hashes", () => {
    const token = generateToken("PRODUCTION");
    expect(() => assertNoSecrets(`{"msg":"x","token":"${token}"}`, "logs")).toThrow(/API key token leaked into logs/);
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    expect(() => assertNoSecrets(`Bearer ${jwt}`, "an error")).toThrow(/JWT leaked/);
    expect(() =>
      assertNoSecrets(`hint ${token.slice(0, 12)}…${token.slice(-4)} sha ${"a".repeat(64)}`, "logs"),
    ).not.toThrow();
  });
});
