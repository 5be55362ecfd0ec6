import { execute, extendSchema, GraphQLSchema, isIntrospectionType, isObjectType, parse } from "graphql";
import { applyPermissions, permissionMap } from "../../src/auth/permissions";
import { buildAppSchema, buildBareSchema } from "../../src/schema";

/** Every field of Query, Mutation and each object type that has no explicit entry in the permissions map. */
function unruledFields(schema: GraphQLSchema, map: Record<string, unknown>): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    const rules = map[type.name] as Record<string, unknown> | undefined;
    for (const field of Object.keys(type.getFields())) {
      if (!rules || typeof rules !== "object" || !(field in rules)) missing.push(`${type.name}.${field}`);
    }
  }
  return missing;
}

describe("deny by default (graphql-shield)", () => {
  it("every field of Query, Mutation and every object type has an explicit rule", async () => {
    expect(unruledFields(await buildBareSchema(), permissionMap)).toEqual([]);
  });

  it("the map names no field the schema does not have (no stale rules)", async () => {
    const schema = await buildBareSchema();
    const stale = Object.entries(permissionMap).flatMap(([typeName, rules]) => {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) return [typeName];
      return Object.keys(rules)
        .filter((f) => !(f in type.getFields()))
        .map((f) => `${typeName}.${f}`);
    });
    expect(stale).toEqual([]);
  });

  it("catches a field added without a rule, and the served schema answers it FORBIDDEN even for an admin", async () => {
    // the served path (applyPermissions, which leaves `allow` fields unwrapped) still denies what it does not list
    const extended = extendSchema(
      await buildBareSchema(),
      parse("extend type Query { debugDump: String } extend type ApiKey { internalNote: String }"),
    );
    expect(unruledFields(extended, permissionMap)).toEqual(["Query.debugDump", "ApiKey.internalNote"]);

    const served = applyPermissions(extended);
    const admin = { principal: { kind: "user", role: "ADMIN", organizationId: "o", workspaceIds: [] } };
    const result = await execute({
      schema: served,
      document: parse("{ debugDump }"),
      rootValue: { debugDump: "secrets" },
      contextValue: admin,
    });
    expect(result.data).toEqual({ debugDump: null });
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(["FORBIDDEN"]);
  });

  it("the served schema is the bare schema behind shield", async () => {
    const served = await buildAppSchema();
    expect(Object.keys(served.getQueryType()!.getFields()).sort()).toEqual(
      Object.keys((await buildBareSchema()).getQueryType()!.getFields()).sort(),
    );
  });
});
