import type { ApolloServerOptionsWithGateway } from "@apollo/server";
import { execute, getVariableValues, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import type { Context } from "../context";

type Gateway = ApolloServerOptionsWithGateway<Context>["gateway"];
type Compiled = CompiledQuery | ExecutionResult;

/**
 * Apollo Server with graphql-jit as its executor: each operation is compiled once into a JavaScript function
 * over the same schema — the same resolvers, graphql-shield's wrapped ones included, the same scalars' serialize,
 * the same abstract type resolution — and run on every later request of the same document. Apollo still parses,
 * validates (every validation rule, the query limits), builds the context and formats errors; only execution is
 * compiled. Offered to Apollo through its executor hook (a gateway that serves one fixed schema).
 *
 * Compiled operations are kept per parsed document: Apollo's document store hands out the same DocumentNode for
 * the same query text (an LRU of 30 MB by default), so a document it evicts is collected with its compilation.
 */
export function compiledExecutor(schema: GraphQLSchema): Gateway {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();
  const compile = (document: DocumentNode, operationName: string | undefined): Compiled => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map<string, Compiled>()));
    const key = operationName ?? "";
    let query = byName.get(key);
    if (!query) {
      // leaf values serialized by their types (DateTime), never JSON-stringified by the compiler
      query = compileQuery(schema, document, operationName, { disableLeafSerialization: false });
      byName.set(key, query);
    }
    return query;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    load: () =>
      Promise.resolve({
        schema,
        executor: async ({ document, operation, request, context }) => {
          // no operation of that name (or several and none named): graphql-js answers, with its own error
          if (!operation) {
            const { variables: variableValues, operationName } = request;
            return execute({ schema, document, contextValue: context, variableValues, operationName });
          }
          const query = compile(document, request.operationName);
          if (!isCompiledQuery(query)) return query;
          // variables are coerced by graphql-js (its errors and HTTP 400, input fields' defaults filled in, which
          // graphql-jit 0.8.9 does not do for a non-null input field with a default); the compiled query coerces the
          // coerced values again, which is the identity for this schema (enum values are their names; DateTime and
          // JSONObject accept what they produce) — the whole test suite runs through this executor
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, {
            maxErrors: 50,
          });
          if (coerced.errors) return { errors: coerced.errors };
          return query.query(undefined, context, coerced.coerced);
        },
      }),
    stop: () => Promise.resolve(),
  };
}
