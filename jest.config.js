/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: false }] },
  setupFiles: ["reflect-metadata"],
  // every error body of the run is checked for tokens and JWTs (test/support/client.ts stays copyable)
  setupFilesAfterEnv: ["<rootDir>/test/support/no-secrets-in-errors.ts"],
  testTimeout: 120000,
  maxWorkers: 1,
};
