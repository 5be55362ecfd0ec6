import { cacheExchange, Client, fetchExchange } from "urql";

/**
 * urql with its document cache: a mutation's result invalidates every query that returned its types (queries
 * that list keys declare `additionalTypenames: ["ApiKey"]`, so an empty list refreshes too). Always POST
 * (Apollo's CSRF prevention refuses a simple GET); any 401 means the session is over.
 */
export function createClient(token: string, onUnauthenticated: () => void): Client {
  return new Client({
    url: "/graphql",
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 401) onUnauthenticated();
      return response;
    },
  });
}

/** What a query listing keys passes as its context, so a key mutation refreshes it. */
export const KEY_LISTS = { additionalTypenames: ["ApiKey"] };
