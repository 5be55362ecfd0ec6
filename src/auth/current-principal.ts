import { createParameterDecorator } from "type-graphql";
import type { Context } from "../context";
import { mustBePrincipal } from "./rules";

/** The caller's principal, as a resolver parameter (UNAUTHENTICATED should a shield rule ever be missing). */
export const CurrentPrincipal = () => createParameterDecorator<Context>(({ context }) => mustBePrincipal(context));
