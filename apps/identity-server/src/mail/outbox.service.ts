import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { DataSource, In, type EntityManager } from 'typeorm';
import { SecretBox } from '#auth-crypto';
import { newId } from '#database';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { poolExhausted } from '../database/pool.js';
import { outboxDeliveries, registerOutboxBacklog, type OutboxBacklog } from '../metrics/metrics.js';
import { inRootSpan, outsideTrace } from '../metrics/tracing.js';
import { OutboxMessageEntity, type OutboxStatus } from './outbox-message.entity.js';

export interface OutgoingMail {
  tenantId: string;
  subjectType: string;
  subjectId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** `email`: sent over SMTP; `outbox`: no SMTP_URL, kept for the operator to read. */
export type MailDelivery = 'email' | 'outbox';

export interface Delivery {
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

const MAX_ATTEMPTS = 8;
const BATCH = 20;
const POLL_MS = 5_000;
const LEASE_SECONDS = 60;

/**
 * The transactional outbox for email. A change enqueues its message in its own transaction; a
 * worker on every instance sends due messages after commit (claiming them with SKIP LOCKED, so
 * each goes once), retrying with backoff. Without SMTP_URL messages stay in a local outbox the
 * operator can read, so the server works before mail is set up.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly transport: Transporter | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  }

  /** How this server delivers email: over SMTP, or into the local outbox the operator reads. */
  get delivery(): MailDelivery {
    return this.transport ? 'email' : 'outbox';
  }

  onApplicationBootstrap(): void {
    // Where mail goes, once at start, in plain words (never the URL's credentials).
    if (this.config.smtpUrl) {
      const { hostname, port, protocol } = new URL(this.config.smtpUrl);
      this.logger.log(
        `email goes out over ${protocol.slice(0, -1)} to ${hostname}:${port || 'default port'}`,
      );
    } else {
      this.logger.log(
        `no SMTP_URL: emails stay in the local outbox; read them at ${this.config.publicUrl}/outbox with the operator key`,
      );
    }
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    registerOutboxBacklog(this.backlog);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.transport?.close();
  }

  async enqueue(em: EntityManager, mail: OutgoingMail): Promise<void> {
    const local = this.transport === null;
    await em.insert(OutboxMessageEntity, {
      tenantId: mail.tenantId,
      id: newId(),
      subjectType: mail.subjectType,
      subjectId: mail.subjectId,
      to: mail.to,
      content: this.box.seal(
        JSON.stringify({ subject: mail.subject, text: mail.text, html: mail.html }),
        'outbox',
      ),
      status: local ? 'local' : 'pending',
      attempts: 0,
      nextAttemptAt: new Date(),
      lastError: null,
      createdAt: new Date(),
      sentAt: null,
    });
    if (local) {
      this.logger.log(
        `no SMTP_URL: the email to ${mail.to} (${mail.subjectType}) stays in the local outbox: read it at /outbox in the console with the operator key, or GET /api/v1/outbox`,
      );
    }
  }

  /** Sends what is due now; called after a commit that enqueued mail, and on a timer. */
  kick(): void {
    if (this.stopped || this.running || !this.transport) return;
    // Background work: not part of the request whose commit kicked it.
    this.running = outsideTrace(() => this.drain())
      .catch((error: unknown) => this.logger.error({ err: error }, 'outbox run failed'))
      .finally(() => {
        this.running = null;
      });
  }

  /** The latest message about each subject (e.g. each invitation). */
  async deliveries(tenantId: string, subjectIds: string[]): Promise<Map<string, Delivery>> {
    if (subjectIds.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(OutboxMessageEntity).find({
      where: { tenantId, subjectId: In(subjectIds) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return new Map(
      rows.map((r) => [
        r.subjectId,
        {
          status: r.status,
          attempts: r.attempts,
          lastError: r.lastError,
          sentAt: r.sentAt?.toISOString() ?? null,
        },
      ]),
    );
  }

  /** The local outbox, newest first, for the operator (content opened). */
  async listLocal(limit: number): Promise<Record<string, unknown>[]> {
    const rows = await this.dataSource.getRepository(OutboxMessageEntity).find({
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenantId,
      to: r.to,
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
      ...(JSON.parse(this.box.open(r.content, 'outbox').toString('utf8')) as Record<
        string,
        string
      >),
    }));
  }

  /**
   * What /metrics shows of the outbox, in one query on the (status, next_attempt_at) index. A
   * scrape never waits for a connection: with the pool exhausted the gauges keep their values.
   */
  private readonly backlog = async (): Promise<OutboxBacklog | null> => {
    if (this.stopped || !this.dataSource.isInitialized || poolExhausted(this.dataSource))
      return null;
    const [row] = await this.dataSource.query<
      { pending: string; due: string; failed: string; oldest: number | null }[]
    >(
      `SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status = 'pending' AND next_attempt_at <= now()) AS due,
              count(*) FILTER (WHERE status = 'failed') AS failed,
              extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS oldest
         FROM outbox_messages WHERE status IN ('pending', 'failed')`,
    );
    return {
      pending: Number(row?.pending ?? 0),
      due: Number(row?.due ?? 0),
      failed: Number(row?.failed ?? 0),
      oldestPendingSeconds: Math.max(0, row?.oldest ?? 0),
    };
  };

  private async drain(): Promise<void> {
    for (;;) {
      const batch = await this.claim();
      if (batch.length === 0) return;
      for (const message of batch) {
        await inRootSpan(
          'outbox deliver',
          {
            'identity.tenant_id': message.tenantId,
            'identity.outbox.message_id': message.id,
            'identity.outbox.attempt': message.attempts + 1,
          },
          (span) =>
            this.send(message).then((result) => {
              span.setAttribute('identity.outbox.result', result);
            }),
        );
      }
    }
  }

  /** Leases due messages so that no other instance sends them meanwhile. */
  private async claim(): Promise<OutboxMessageEntity[]> {
    const [rows] = await this.dataSource.query<
      [
        { tenant_id: string; id: string; to_address: string; content: string; attempts: number }[],
        number,
      ]
    >(
      `UPDATE outbox_messages SET next_attempt_at = now() + $1 * interval '1 second'
        WHERE (tenant_id, id) IN (
          SELECT tenant_id, id FROM outbox_messages
           WHERE status = 'pending' AND next_attempt_at <= now()
           ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING tenant_id, id, to_address, content, attempts`,
      [LEASE_SECONDS, BATCH],
    );
    return rows.map((r) =>
      Object.assign(new OutboxMessageEntity(), {
        tenantId: r.tenant_id,
        id: r.id,
        to: r.to_address,
        content: r.content,
        attempts: r.attempts,
      }),
    );
  }

  private async send(message: OutboxMessageEntity): Promise<'sent' | 'retry' | 'failed'> {
    const repo = this.dataSource.getRepository(OutboxMessageEntity);
    const key = { tenantId: message.tenantId, id: message.id };
    try {
      const content = JSON.parse(this.box.open(message.content, 'outbox').toString('utf8')) as {
        subject: string;
        text: string;
        html: string;
      };
      await this.transport!.sendMail({ from: this.config.mailFrom, to: message.to, ...content });
      await repo.update(key, {
        status: 'sent',
        sentAt: new Date(),
        attempts: message.attempts + 1,
        lastError: null,
      });
      this.logger.log(`sent an email to ${message.to}`);
      outboxDeliveries.inc({ result: 'sent' });
      return 'sent';
    } catch (error) {
      const attempts = message.attempts + 1;
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const failed = attempts >= MAX_ATTEMPTS;
      await repo.update(key, {
        attempts,
        lastError: reason,
        status: failed ? 'failed' : 'pending',
        nextAttemptAt: new Date(Date.now() + Math.min(3_600_000, 2 ** attempts * 5_000)),
      });
      this.logger.warn(
        `could not send an email to ${message.to} (attempt ${attempts}/${MAX_ATTEMPTS}${failed ? ', giving up' : ''}): ${reason}`,
      );
      const result = failed ? 'failed' : 'retry';
      outboxDeliveries.inc({ result });
      return result;
    }
  }
}
