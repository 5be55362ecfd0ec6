import { randomBytes } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { Config } from "../../config";
import { actorOf, hasAdminRights, type Principal } from "../../auth/principal";
import { isId, newId } from "../../common/ids";
import {
  emptyPage,
  newestFirst,
  parsePageArgs,
  readPage,
  type Connection,
  type PageArgs,
} from "../../common/pagination";
import { cleanText } from "../../common/text";
import { badInput, forbidden, found } from "../../errors/app-error";
import type { TransactionRunner } from "../../db/transaction";
import type { ApiKeyEnvironment } from "../api-key/api-key.entity";
import { WebhookDelivery, WebhookEndpoint } from "./webhook.entity";
import { eventBody, isWebhookEvent, outboxRow, WEBHOOK_EVENTS } from "./webhook.events";
import { checkEndpointUrl } from "./webhook.url";
import type { WebhookDispatcher } from "./webhook.dispatcher";

const ENDPOINT_ORDER = newestFirst<WebhookEndpoint>("e");
const DELIVERY_ORDER = newestFirst<WebhookDelivery>("d");
export const MAX_ENDPOINTS_PER_ORGANIZATION = 100;
const DELIVERY_STATUSES = ["PENDING", "DELIVERED", "FAILED"];

export interface EndpointInput {
  url: string;
  events: string[];
  environment?: ApiKeyEnvironment | null;
  description?: string | null;
}

/** Webhook endpoints of an organization, and their deliveries. Keys see and manage their own environment's only. */
export class WebhookService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: Pick<Config, "production" | "webhooks">,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  private visible(principal: Principal, endpoint: WebhookEndpoint | null): WebhookEndpoint | null {
    if (!endpoint || endpoint.organizationId !== principal.organizationId) return null;
    if (principal.kind === "apiKey" && endpoint.environment !== principal.environment) return null;
    return principal.kind === "apiKey" || hasAdminRights(principal) ? endpoint : null;
  }

  async get(principal: Principal, id: string, m: EntityManager = this.db.manager): Promise<WebhookEndpoint | null> {
    if (!isId(id)) return null;
    return this.visible(principal, await m.getRepository(WebhookEndpoint).findOneBy({ id }));
  }

  list(principal: Principal, args: PageArgs): Promise<Connection<WebhookEndpoint>> {
    const page = parsePageArgs(args, ENDPOINT_ORDER.sort.key);
    const qb = this.db
      .getRepository(WebhookEndpoint)
      .createQueryBuilder("e")
      .where("e.organization_id = :org", { org: principal.organizationId });
    if (principal.kind === "apiKey") qb.andWhere("e.environment = :env", { env: principal.environment });
    return readPage(qb, ENDPOINT_ORDER, page);
  }

  /** @throws BAD_USER_INPUT (url, events, environment, description), FORBIDDEN (a key, another environment) */
  async create(
    principal: Principal,
    input: EndpointInput,
  ): Promise<{ endpoint: WebhookEndpoint; signingSecret: string }> {
    const url = checkEndpointUrl(input.url, {
      production: this.config.production,
      allowPrivate: this.config.webhooks.allowPrivate,
    });
    const events = this.events(input.events);
    const description = cleanText("description", input.description, { max: 255 });
    let environment = input.environment ?? null;
    if (principal.kind === "apiKey") {
      if (environment && environment !== principal.environment)
        throw forbidden("A key can only manage webhook endpoints of its own environment");
      environment = principal.environment;
    }
    if (!environment) throw badInput("environment", "environment is required");
    const signingSecret = `whsec_${randomBytes(24).toString("base64")}`;
    const endpoint = Object.assign(new WebhookEndpoint(), {
      id: newId(),
      organizationId: principal.organizationId,
      url,
      description,
      environment,
      events,
      signingSecret,
      disabledAt: null,
      disabledReason: null,
    });
    await this.tx.runAs(actorOf(principal), async (m, writes) => {
      const count = await m.getRepository(WebhookEndpoint).countBy({ organizationId: principal.organizationId });
      if (count >= MAX_ENDPOINTS_PER_ORGANIZATION)
        throw badInput("url", `An organization has at most ${MAX_ENDPOINTS_PER_ORGANIZATION} webhook endpoints`);
      await writes.insert(WebhookEndpoint, endpoint, "webhook_endpoint.created");
    });
    return { endpoint, signingSecret };
  }

  /** A field left out stays; `enabled: true` re-enables a disabled endpoint, `false` disables it. */
  async update(
    principal: Principal,
    input: {
      id: string;
      url?: string | null;
      events?: string[] | null;
      description?: string | null;
      enabled?: boolean | null;
    },
  ): Promise<WebhookEndpoint> {
    const patch: Partial<WebhookEndpoint> = {};
    if (input.url != null)
      patch.url = checkEndpointUrl(input.url, {
        production: this.config.production,
        allowPrivate: this.config.webhooks.allowPrivate,
      });
    if (input.events != null) patch.events = this.events(input.events);
    if (input.description !== undefined) patch.description = cleanText("description", input.description, { max: 255 });
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const endpoint = found(await this.get(principal, input.id, m), "Webhook endpoint");
      if (input.enabled === true) Object.assign(patch, { disabledAt: null, disabledReason: null });
      if (input.enabled === false && !endpoint.disabledAt)
        Object.assign(patch, { disabledAt: writes.now, disabledReason: "Disabled by updateWebhookEndpoint" });
      await writes.update(WebhookEndpoint, endpoint, patch, "webhook_endpoint.updated");
      return endpoint;
    });
  }

  async delete(principal: Principal, id: string): Promise<string> {
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const endpoint = found(await this.get(principal, id, m), "Webhook endpoint");
      await writes.delete(WebhookEndpoint, endpoint, "webhook_endpoint.deleted");
      return endpoint.id;
    });
  }

  /** The endpoint's deliveries, newest first; an endpoint out of reach has none. @throws BAD_USER_INPUT (status) */
  async deliveries(
    principal: Principal,
    args: PageArgs & { endpointId: string; status?: string | null },
  ): Promise<Connection<WebhookDelivery>> {
    const page = parsePageArgs(args, DELIVERY_ORDER.sort.key);
    if (args.status != null && !DELIVERY_STATUSES.includes(args.status))
      throw badInput("status", "status must be PENDING, DELIVERED or FAILED");
    const endpoint = await this.get(principal, args.endpointId);
    if (!endpoint) return emptyPage(page);
    const qb = this.db
      .getRepository(WebhookDelivery)
      .createQueryBuilder("d")
      .where("d.endpoint_id = :id", { id: endpoint.id });
    if (args.status) qb.andWhere("d.status = :status", { status: args.status });
    return readPage(qb, DELIVERY_ORDER, page);
  }

  /** Queues a `webhook.test` event for the endpoint (whatever it subscribes to) and wakes the dispatcher. */
  async sendTest(principal: Principal, endpointId: string): Promise<WebhookDelivery> {
    const delivery = await this.tx.runAs(actorOf(principal), async (m, writes) => {
      const endpoint = found(await this.get(principal, endpointId, m), "Webhook endpoint");
      const payload = eventBody("webhook.test", writes.now, {
        organizationId: endpoint.organizationId,
        endpointId: endpoint.id,
      });
      const row = outboxRow(endpoint, "webhook.test", payload, writes.now);
      await m.getRepository(WebhookDelivery).insert(row);
      return row;
    });
    this.dispatcher.wake();
    return delivery;
  }

  private events(names: string[]): string[] {
    const unique = [...new Set(names)];
    if (unique.length === 0) throw badInput("events", "Name one or more events");
    const unknown = unique.find((name) => !isWebhookEvent(name));
    if (unknown !== undefined)
      throw badInput(
        "events",
        `Unknown event ${JSON.stringify(unknown.slice(0, 64))}; events are ${WEBHOOK_EVENTS.join(", ")}`,
      );
    return unique;
  }
}
