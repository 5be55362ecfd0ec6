import type { Services } from "./services";

export const DEMO_ADMIN_EMAIL = "admin@demo.latchkey.local";

/** A demo organization with two workspaces and one admin, and a JWT for that admin. */
export async function seedDemo(services: Services, tokenLifetime: string | number = services.config.jwt.maxTtlSeconds) {
  const { organization, admin, workspaces } = await services.organizationAdmin.create({
    name: "Demo Organization",
    adminEmail: DEMO_ADMIN_EMAIL,
    adminName: "Demo Admin",
    workspaceNames: ["Marketing", "Engineering"],
  });
  return {
    organizationId: organization.id,
    adminUserId: admin.id,
    adminEmail: admin.email,
    workspaceIds: workspaces.map((w) => w.id),
    adminToken: await services.jwt.sign(admin.id, tokenLifetime),
  };
}
