import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, OperationTypeNode, type ValidationRule } from "graphql";

/** There are no subscriptions in the schema; an operation asking for one is a validation error, not a 500. */
export const noSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === OperationTypeNode.SUBSCRIPTION)
      context.reportError(new GraphQLError("Subscriptions are not supported", { nodes: node }));
  },
});

/**
 * Limits on the shape of a GraphQL document, checked before execution (graphql-armor). The
 * deepest legitimate query (a key's creator's workspaces inside a page of keys) has depth 6 and
 * costs about 10,000 in graphql-armor's model (each level multiplies by 1.5); the committed
 * dashboard operations cost at most 306. `exposeLimits: false`: errors do not tell the limits.
 */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxCost: 20000,
  maxTokens: 2000,
  maxDirectives: 20,
} as const;

/** Field suggestions ("Did you mean …?") are hidden in production only. */
export function queryLimits(production: boolean) {
  return new ApolloArmor({
    maxDepth: {
      enabled: true,
      n: QUERY_LIMITS.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      exposeLimits: false,
    },
    maxAliases: { enabled: true, n: QUERY_LIMITS.maxAliases, allowList: [], exposeLimits: false },
    costLimit: { enabled: true, maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true, exposeLimits: false },
    // graphql-armor's token plugin throws from a hook (HTTP 500): graphql-js's parser enforces maxTokens instead
    maxTokens: { enabled: false },
    maxDirectives: { enabled: true, n: QUERY_LIMITS.maxDirectives, exposeLimits: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
}
