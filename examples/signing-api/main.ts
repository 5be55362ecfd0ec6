import { buildApp } from "./app";

// LATCHKEY_URL (e.g. http://127.0.0.1:4000/graphql) and LATCHKEY_PLATFORM_KEY (npx latchkey create-platform-key)
const latchkeyUrl = process.env.LATCHKEY_URL ?? "http://127.0.0.1:4000/graphql";
const platformKey = process.env.LATCHKEY_PLATFORM_KEY;
if (!platformKey) {
  console.error("Set LATCHKEY_PLATFORM_KEY to a platform key (npx latchkey create-platform-key)");
  process.exit(1);
}
const app = buildApp({ latchkeyUrl, platformKey });
app.listen({ port: Number(process.env.PORT ?? 4100), host: "127.0.0.1" }).then(
  (address) => console.log(`signing API on ${address}/v3/signature_requests`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
