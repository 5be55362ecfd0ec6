/**
 * Where webhooks may go (issue 13 §2): the creation-time URL rules and the delivery-time lookup that refuses names
 * resolving to non-public addresses (so a name cannot pass one check and rebind before the connection).
 */
import { expect } from "@jest/globals";
import { checkEndpointUrl, isPublicAddress, publicOnlyLookup } from "../../src/modules/webhooks/webhook.url";

const lookup = (hostname: string, all: boolean) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
    publicOnlyLookup(hostname, { all }, (error, address) => done({ error, address })),
  );

describe("webhook destinations", () => {
  it("public unicast addresses only", () => {
    for (const address of ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
    for (const address of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "224.0.0.1",
      "not an address",
    ])
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
  });

  it("refuses at creation what cannot be a public http(s) endpoint", () => {
    const strict = { production: true, allowPrivate: false };
    expect(checkEndpointUrl(" https://hooks.example.com/latchkey ", strict)).toBe("https://hooks.example.com/latchkey");
    for (const url of [
      "http://hooks.example.com/x",
      "https://127.0.0.1/x",
      "https://[::1]/x",
      "https://localhost/x",
      "https://api.localhost/x",
      "https://10.0.0.8/x",
      "https://user:secret@hooks.example.com/x",
      "ftp://hooks.example.com/x",
      `https://example.com/${"a".repeat(2000)}`,
    ])
      expect(() => checkEndpointUrl(url, strict)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ field: "url" }) }),
      );
    // outside production http is fine; WEBHOOK_ALLOW_PRIVATE lifts the address rule
    expect(checkEndpointUrl("http://hooks.example.com/x", { production: false, allowPrivate: false })).toBe(
      "http://hooks.example.com/x",
    );
    expect(checkEndpointUrl("http://127.0.0.1:8080/x", { production: false, allowPrivate: true })).toBe(
      "http://127.0.0.1:8080/x",
    );
  });

  it("at delivery, a name resolving to a loopback address is refused (both lookup forms)", async () => {
    for (const all of [false, true]) {
      const { error } = await lookup("localhost", all);
      expect(error?.code).toBe("EPRIVATE");
    }
  });
});
