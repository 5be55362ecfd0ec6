import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/**
 * The dotted paths of the fields selected below the current field (fragments and inline fragments
 * followed), e.g. "nodes.workspaces" or "edges.node.createdBy". Lets a list resolver fetch what the
 * query will ask for in one statement up front, so the fields resolve without waiting.
 */
export function selectedPaths(info: GraphQLResolveInfo, maxDepth = 3): Set<string> {
  const paths = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, prefix: string, depth: number) => {
    if (!set || depth > maxDepth) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const path = prefix ? `${prefix}.${selection.name.value}` : selection.name.value;
        paths.add(path);
        walk(selection.selectionSet, path, depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix, depth);
      } else {
        walk(info.fragments[selection.name.value]?.selectionSet, prefix, depth);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, "", 1);
  return paths;
}
