import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import type { Context } from "../../context";
import { CurrentPrincipal } from "../../auth/current-principal";
import type { Principal } from "../../auth/principal";
import { connectionTypes, type Connection } from "../../common/pagination";
import { PageArguments } from "../../common/page-args";
import { ApiKeyEnvironment } from "../api-key/api-key.entity";
import { WebhookDelivery, WebhookEndpoint } from "./webhook.entity";

export const { Edge: WebhookEndpointEdge, Connection: WebhookEndpointConnection } = connectionTypes(
  "WebhookEndpoint",
  WebhookEndpoint,
);
export const { Edge: WebhookDeliveryEdge, Connection: WebhookDeliveryConnection } = connectionTypes(
  "WebhookDelivery",
  WebhookDelivery,
);

@InputType()
export class CreateWebhookEndpointInput {
  @Field({ description: "http(s); https only in production; never a private, loopback or link-local address." })
  url: string;

  @Field(() => [String], {
    description:
      "api_key.created, api_key.rolled, api_key.suspended, api_key.resumed, api_key.revoked, api_key.expiring, api_key.leaked",
  })
  events: string[];

  @Field(() => ApiKeyEnvironment, {
    nullable: true,
    description: "Required for users; a key's own environment for a key.",
  })
  environment?: ApiKeyEnvironment | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  events?: string[] | null;

  @Field(() => String, { nullable: true, description: "Absent: unchanged; null or blank: cleared." })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: "true re-enables a disabled endpoint; false disables it." })
  enabled?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint)
  endpoint: WebhookEndpoint;

  @Field({ description: "whsec_… (Standard Webhooks): verify every delivery with it. Shown once." })
  signingSecret: string;
}

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Query(() => WebhookEndpointConnection, { description: "Newest first; a key sees its own environment's." })
  webhookEndpoints(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<WebhookEndpoint>> {
    return ctx.services.webhooks.list(principal, page);
  }

  @Query(() => WebhookDeliveryConnection, { description: "An endpoint's deliveries, newest first." })
  webhookDeliveries(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("endpointId", () => ID) endpointId: string,
    @Arg("status", () => String, { nullable: true, description: "PENDING, DELIVERED or FAILED" })
    status: string | undefined,
    @Args(() => PageArguments) page: PageArguments,
  ): Promise<Connection<WebhookDelivery>> {
    return ctx.services.webhooks.deliveries(principal, { endpointId, status, ...page });
  }

  @Mutation(() => CreateWebhookEndpointPayload)
  createWebhookEndpoint(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
  ): Promise<CreateWebhookEndpointPayload> {
    return ctx.services.webhooks.create(principal, input);
  }

  @Mutation(() => WebhookEndpoint)
  updateWebhookEndpoint(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("input", () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
  ): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.update(principal, input);
  }

  @Mutation(() => ID)
  deleteWebhookEndpoint(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("id", () => ID) id: string,
  ): Promise<string> {
    return ctx.services.webhooks.delete(principal, id);
  }

  @Mutation(() => WebhookDelivery, { description: "Queues a webhook.test event for the endpoint, delivered at once." })
  sendTestWebhook(
    @Ctx() ctx: Context,
    @CurrentPrincipal() principal: Principal,
    @Arg("endpointId", () => ID) endpointId: string,
  ): Promise<WebhookDelivery> {
    return ctx.services.webhooks.sendTest(principal, endpointId);
  }

  @FieldResolver(() => String, { description: "ACTIVE or DISABLED." })
  status(@Root() endpoint: WebhookEndpoint): string {
    return endpoint.disabledAt ? "DISABLED" : "ACTIVE";
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => GraphQLJSONObject, { description: "The body sent (signed exactly as is)." })
  payload(@Root() delivery: WebhookDelivery): Record<string, unknown> {
    return JSON.parse(delivery.payload) as Record<string, unknown>;
  }
}
